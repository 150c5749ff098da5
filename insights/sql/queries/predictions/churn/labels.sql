-- grain: one row per customer with at least one order placed before $cutoff
-- Label of the shop churn definition: churned = placed no order in [$cutoff, $window_end).
with known as (
    select customer_id
    from orders
    where is_order and customer_id is not null and ordered_at < $cutoff
    group by customer_id
),

came_back as (
    select distinct customer_id
    from orders
    where is_order and customer_id is not null and ordered_at >= $cutoff and ordered_at < $window_end
),

final as (
    select known.customer_id, came_back.customer_id is null as churned
    from known
    left join came_back on came_back.customer_id = known.customer_id
)

select * from final order by customer_id
