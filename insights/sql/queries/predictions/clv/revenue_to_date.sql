-- grain: one row per identified customer (from the customers mart)
-- Net revenue to date per customer: the observed part of the predicted cohort cells' lifetime value.
with customers as (
    select * from customers
),

final as (
    select customer_id, cast(net_revenue as double) as net_revenue
    from customers
    where customer_id is not null
)

select * from final
