-- grain: one row per identified customer: the day of their first purchase and of their second (null: none yet)
-- From the one purchase-gap table (customer_order_days): several orders on one day are one purchase.
select
    customer_id,
    min(order_date)                                     as first_day,
    min(order_date) filter (where gap_days is not null) as second_day
from customer_order_days
group by customer_id
