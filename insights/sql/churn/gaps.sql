-- grain: one row per repeat purchase (a customer's order day after their first) before $cutoff
-- Days since the same customer's previous order day; several orders on one day are one purchase occasion.
with order_days as (
    select distinct customer_id, cast(ordered_at as date) as order_date
    from orders
    where is_order and customer_id is not null and ordered_at < $cutoff
),

gaps as (
    select
        customer_id,
        order_date,
        date_diff('day', lag(order_date) over (partition by customer_id order by order_date), order_date) as gap_days
    from order_days
),

final as (
    select customer_id, order_date, gap_days from gaps where gap_days is not null
)

select * from final
