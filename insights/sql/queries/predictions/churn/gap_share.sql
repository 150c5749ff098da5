-- grain: one row: the share of repeat purchases before $cutoff that came within $window_days of the
-- customer's previous order day (what a hand-set churn window means in this shop's terms)
with order_days as (
    select distinct customer_id, cast(ordered_at as date) as order_date
    from orders
    where is_order and customer_id is not null and ordered_at < $cutoff
),

gaps as (
    select date_diff('day', lag(order_date) over (partition by customer_id order by order_date), order_date) as gap_days
    from order_days
),

final as (
    select avg(case when gap_days <= $window_days then 1.0 else 0.0 end) as share_within
    from gaps
    where gap_days is not null
)

select * from final
