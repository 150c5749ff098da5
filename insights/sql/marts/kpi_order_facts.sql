-- grain: one row per order id (every id in the orders mart, wholly cancelled ones included)
-- The KPI pages read this instead of the order lines: per order its customer, time, net value, and the
-- customer's order sequence (first order, previous and next order) so that activation, days between
-- orders, new vs returning and period-over-period retention need no self-join at page time.
-- order_seq / prev_order_at / next_order_at / first_order_at are set only for identified customers and
-- count only real orders (is_order); a wholly cancelled id keeps them null but keeps its negative revenue.
-- Period numbers (consecutive integers, so the previous period is n - 1; same numbering as the kpi_bucket
-- macro in sql/kpis/macros.sql): week = ISO weeks since Monday 2000-01-03, month = year * 12 + month,
-- quarter = year * 4 + quarter; for the order, the customer's previous order and first order.
with orders as (
    select * from orders
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
    from orders o
    left join customer_orders co on co.order_id = o.order_id
    left join customer_first cf on cf.customer_id = o.customer_id
)

select * from final
