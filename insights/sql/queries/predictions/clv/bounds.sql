-- grain: one row (the whole shop)
-- First and last purchase day of known customers, and how many customers bought at all.
with purchase_days as (
    -- the shop's purchase days: several orders of a customer on one day are one purchase
    select customer_id, order_date, spend from customer_order_days
),

final as (
    select
        min(order_date)                 as first_day,
        max(order_date)                 as last_day,
        count(distinct customer_id)     as customers
    from purchase_days
)

select * from final
