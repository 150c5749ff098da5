-- grain: one row per customer of the customers mart with an order
-- Where each customer comes from, for CLV by group: acquisition channel (the CRM's, else the first order's),
-- the first order's channel, the first order's category, country, the quarter of the first order, and the net
-- revenue to date (realised value).
with customers as (
    select * from customers where customer_id is not null and first_order_at is not null
),

orders as (
    select * from orders where customer_id is not null and is_order
),

first_orders as (
    select customer_id, arg_min(channel, ordered_at) as first_channel
    from orders
    group by customer_id
),

final as (
    select
        c.customer_id,
        c.channel                                                                       as channel,
        f.first_channel,
        c.first_category,
        c.country,
        strftime(c.first_order_at, '%Y') || ' Q' || cast(quarter(c.first_order_at) as varchar) as cohort,
        cast(c.net_revenue as double)                                                   as realised_value
    from customers c
    left join first_orders f on f.customer_id = c.customer_id
)

select * from final
