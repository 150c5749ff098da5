-- grain: one row: the mean spend of a customer's second purchase day (the first with a gap before it)
select cast(avg(spend) as double) as value
from (
    select customer_id, arg_min(spend, order_date) as spend
    from customer_order_days
    where gap_days is not null
    group by customer_id
)
