-- grain: one row per identified customer and calendar day on which they placed at least one order
-- The one purchase-gap table: the shop's rhythm (churn window, lifecycle thresholds, expected next order) and
-- the CLV models' purchase days all read it.
-- * Several orders on one day are one purchase occasion (as in Fader, Hardie & Lee's CDNOW analysis).
-- * spend: net revenue of every order id of that customer dated that day, so a cancellation booked as its own
--   order id on the same day is deducted; days with only cancellations are not purchase days and are left out.
-- * gap_days: days since the same customer's previous purchase day (null on their first). A gap depends only
--   on earlier days, so filtering on order_date < a cutoff keeps every remaining gap right.
with customer_orders as (
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
    from customer_orders
    group by customer_id, order_date
),

purchase_days as (
    select customer_id, order_date, spend
    from per_day
    where has_order
),

final as (
    select
        customer_id,
        order_date,
        spend,
        date_diff('day', lag(order_date) over (partition by customer_id order by order_date), order_date) as gap_days
    from purchase_days
)

select * from final
