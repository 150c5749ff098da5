-- grain: one row per identified customer with a purchase day before $as_of
-- The inputs of the expected next order: the customer's last purchase day, their number of gaps and mean gap
-- (the mean of consecutive gaps telescopes to (last − first) / (purchase days − 1)), and the shop's typical gap
-- (the median over repeat customers of their own mean gap).
with days as (
    select customer_id, order_date
    from customer_order_days
    where order_date < cast($as_of as date)
),

per_customer as (
    select
        customer_id,
        max(order_date)                                             as last_order_date,
        count(*) - 1                                                as gaps,
        case when count(*) > 1
             then date_diff('day', min(order_date), max(order_date)) / (count(*) - 1) end as mean_gap_days
    from days
    group by customer_id
),

shop as (
    select median(mean_gap_days) as shop_gap_days from per_customer where gaps > 0
),

final as (
    select per_customer.*, shop.shop_gap_days
    from per_customer cross join shop
)

select * from final order by customer_id
