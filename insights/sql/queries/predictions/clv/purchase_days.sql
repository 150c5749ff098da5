-- grain: one row per customer and purchase day
-- A purchase day is a calendar day on which a known customer placed at least one order (is_order).
-- Several orders on the same day count as ONE purchase (as in Fader, Hardie & Lee's CDNOW analysis).
-- The day's spend is the net revenue of every order id of that customer dated that day, so a cancellation
-- booked as its own order id on the same day is deducted; cancellations on days without a purchase are not
-- purchases and are left out.
with orders as (
    select customer_id, order_date, net_revenue, is_order
    from orders
    where customer_id is not null
),

per_day as (
    select
        customer_id,
        order_date,
        cast(sum(net_revenue) as double)   as spend,
        bool_or(is_order)                  as has_order
    from orders
    group by customer_id, order_date
),

final as (
    select customer_id, order_date, spend
    from per_day
    where has_order
)

select * from final
