-- grain: one row per order id
-- An order is a distinct order id that is not wholly cancelled (is_order). Net revenue sums every loaded
-- line (cancellations and returns count as negatives), so wholly cancelled ids stay here with
-- is_order = false: their negative revenue belongs in every revenue total, but they are not orders.
with lines as (
    select * from order_lines
),

per_order as (
    select
        order_id,
        -- a person's key; guests (no customer) keep null
        min(customer_id)                                        as customer_id,
        bool_and(is_guest)                                      as is_guest,
        min(ordered_at) filter (where not is_cancellation)      as first_line_at,
        min(ordered_at)                                         as any_line_at,
        sum(revenue)                                            as net_revenue,
        sum(revenue) filter (where revenue > 0)                 as gross_revenue,
        sum(quantity) filter (where not is_non_product and not is_cancellation and not is_return) as items,
        count(*)                                                as lines,
        bool_and(is_cancellation)                               as wholly_cancelled,
        bool_or(is_return or is_cancellation)                   as has_return,
        -- an order's channel, country and currency: its most common value; almost every order has one value,
        -- so min = max decides it and the (costly) mode is taken only for orders that mix values (see mixed)
        min(channel)                                            as channel_min,
        max(channel)                                            as channel_max,
        min(country)                                            as country_min,
        max(country)                                            as country_max,
        min(currency)                                           as currency_min,
        max(currency)                                           as currency_max,
        max(delivered_at)                                       as delivered_at,
        max(promised_at)                                        as promised_at,
        max(rate)                                               as rate
    from lines
    group by order_id
),

mixed as (
    select
        order_id,
        mode(channel)                                           as channel,
        mode(country)                                           as country,
        mode(currency)                                          as currency
    from lines
    where order_id in (
        select order_id from per_order
        where channel_min <> channel_max or country_min <> country_max or currency_min <> currency_max)
    group by order_id
),

final as (
    select
        order_id,
        customer_id,
        is_guest,
        coalesce(first_line_at, any_line_at)                    as ordered_at,
        cast(coalesce(first_line_at, any_line_at) as date)      as order_date,
        net_revenue,
        coalesce(gross_revenue, 0)                              as gross_revenue,
        coalesce(items, 0)                                      as items,
        lines,
        not wholly_cancelled                                    as is_order,
        has_return,
        case when p.channel_min = p.channel_max then p.channel_min else m.channel end      as channel,
        case when p.country_min = p.country_max then p.country_min else m.country end      as country,
        case when p.currency_min = p.currency_max then p.currency_min else m.currency end  as currency,
        delivered_at,
        promised_at,
        case when delivered_at is not null and promised_at is not null
             then greatest(date_diff('day', promised_at, delivered_at), 0) end as late_days,
        -- the rate its lines were turned into the reporting currency at (core/currency.py): 1 in the reporting
        -- currency, null when its currency has no rate (its revenue is then 0: left out of money totals)
        rate
    from per_order p
    left join mixed m using (order_id)
)

select * from final
