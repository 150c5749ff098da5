-- grain: one row per order id (every id in the orders mart, wholly cancelled ones included), plus one row per refund counted on its own date (order_id '<id> refund', is_order false)
-- The KPI pages read this instead of the order lines: per order its customer, time, net value, and the
-- customer's order sequence (first order, previous and next order) so that activation, days between
-- orders, new vs returning and period-over-period retention need no self-join at page time.
-- order_seq / prev_order_at / next_order_at / first_order_at are set only for identified customers and
-- count only real orders (is_order); a wholly cancelled id keeps them null but keeps its negative revenue.
-- Period numbers (consecutive integers, so the previous period is n - 1; same numbering as the kpi_bucket
-- macro in sql/kpis/macros.sql): week = ISO weeks since Monday 2000-01-03, month = year * 12 + month,
-- quarter = year * 4 + quarter; for the order, the customer's previous order and first order.
-- Revenue follows the workspace's revenue definition (insights/performance/kpis/revenue.py, settings in
-- workspace_meta): an order with money parts (order_money, e.g. a Shopify export) counts goods net of
-- discounts, plus shipping and tax when chosen, less what was given back (on the order's date, or on the
-- refund's date when it is known); an order with a left-out status counts nothing and is not an order; with
-- a shop time zone, an order with a known instant is placed in that zone's day. Plain lines: net_revenue.
with settings as (
    select
        coalesce(max(value) filter (where key = 'setting:revenue_tax'), 'exclude') = 'include'           as with_tax,
        coalesce(max(value) filter (where key = 'setting:revenue_shipping'), 'exclude') = 'include'      as with_shipping,
        coalesce(max(value) filter (where key = 'setting:revenue_refunds'), 'order_date') = 'refund_date' as on_refund_date,
        string_split(coalesce(max(value) filter (where key = 'setting:revenue_excluded_statuses'), ''), ',') as excluded,
        max(value) filter (where key = 'setting:shop_timezone')                                          as tz
    from workspace_meta
),

-- one row of money parts per order: the latest loaded file's
money as (
    select m.*
    from order_money m
    left join files f on f.file_id = m.source_file
    qualify row_number() over (partition by m.order_id order by f.loaded_at desc nulls last, m.source_file desc) = 1
),

left_out as (
    select distinct l.order_id from order_lines l, settings s where list_contains(s.excluded, lower(l.status))
    union
    select m.order_id from money m, settings s where list_contains(s.excluded, lower(m.financial_status))
),

priced as (
    select
        o.*,
        m.order_id is not null                                                       as has_money,
        lo.order_id is not null                                                      as is_left_out,
        case when s.tz is not null and m.ordered_at_utc is not null
             then timezone(s.tz, timezone('UTC', m.ordered_at_utc)) else o.ordered_at end             as local_at,
        -- the money parts are in the order's own currency: turned into the reporting currency at its lines'
        -- rate (core/currency.py; 1 in the reporting currency, so such an order keeps its figures to the cent)
        cast(round((m.gross_sales - m.discounts
            + case when s.with_shipping then m.shipping else 0 end
            + case when s.with_tax then m.taxes_charged else 0 end) * o.rate, 4) as decimal(18,4)) as sold,
        cast(round((m.returns
            + case when s.with_shipping then m.shipping_returned else 0 end
            + case when s.with_tax then m.taxes_returned else 0 end) * o.rate, 4) as decimal(18,4)) as given_back,
        case when s.on_refund_date
             then coalesce(m.refunded_at, case when m.is_cancelled then m.cancelled_at end) end as refund_at
    from orders o
    cross join settings s
    left join money m on m.order_id = o.order_id
    left join left_out lo on lo.order_id = o.order_id
),

orders as (
    -- the columns named (not select * replace): the same SQL runs on Spark (insights/scale/portable.py)
    select
        order_id,
        customer_id,
        is_order and not is_left_out                                                 as is_order,
        local_at                                                                     as ordered_at,
        cast(local_at as date)                                                       as order_date,
        case when is_left_out then 0::decimal(18,4)
             -- without money parts, or without a rate (its lines' revenue is 0: left out, and said)
             when not has_money or rate is null then net_revenue
             when refund_at is not null then sold
             else sold - given_back end                                              as net_revenue,
        items,
        channel,
        country,
        currency
    from priced
),

refunds as (
    select
        order_id || ' refund' as order_id, customer_id, false as is_order, refund_at as ordered_at,
        cast(refund_at as date) as order_date, -given_back as net_revenue, 0 as items, channel, country, currency
    from priced
    where has_money and not is_left_out and refund_at is not null and given_back <> 0
),

customer_orders as (
    select
        order_id,
        row_number() over by_customer                           as order_seq,
        lag(ordered_at) over by_customer                        as prev_order_at,
        lead(ordered_at) over by_customer                       as next_order_at
    from orders
    where is_order and customer_id is not null
    window by_customer as (partition by customer_id order by ordered_at, order_id)
),

customer_first as (
    select customer_id, min(ordered_at) as first_order_at
    from orders
    where is_order and customer_id is not null
    group by customer_id
),

final as (
    select
        o.order_id,
        o.customer_id,
        o.is_order,
        o.ordered_at,
        o.order_date,
        o.net_revenue,
        o.items,
        o.channel,
        o.country,
        o.currency,
        co.order_seq,
        co.prev_order_at,
        co.next_order_at,
        -- also set on a customer's wholly cancelled ids, so their revenue can be told new vs returning
        cf.first_order_at,
        cast(floor(date_diff('day', date '2000-01-03', cast(o.ordered_at as date)) / 7) as bigint) as b_week,
        year(o.ordered_at) * 12 + month(o.ordered_at) as b_month,
        year(o.ordered_at) * 4 + quarter(o.ordered_at) as b_quarter,
        cast(floor(date_diff('day', date '2000-01-03', cast(co.prev_order_at as date)) / 7) as bigint) as prev_b_week,
        year(co.prev_order_at) * 12 + month(co.prev_order_at) as prev_b_month,
        year(co.prev_order_at) * 4 + quarter(co.prev_order_at) as prev_b_quarter,
        cast(floor(date_diff('day', date '2000-01-03', cast(cf.first_order_at as date)) / 7) as bigint) as first_b_week,
        year(cf.first_order_at) * 12 + month(cf.first_order_at) as first_b_month,
        year(cf.first_order_at) * 4 + quarter(cf.first_order_at) as first_b_quarter
    from (select order_id, customer_id, is_order, ordered_at, order_date, net_revenue, items, channel, country,
                 currency from orders
          union all
          select * from refunds) o
    left join customer_orders co on co.order_id = o.order_id
    left join customer_first cf on cf.customer_id = o.customer_id
)

select * from final
