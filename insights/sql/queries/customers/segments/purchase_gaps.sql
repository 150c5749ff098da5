-- Days between a customer's consecutive order days before $as_of (one row per repeat order day).
-- Orders on the same day count once; guests are left out.
with days as (
    select distinct customer_id, order_date
    from orders
    where is_order and customer_id is not null and ordered_at < $as_of
),

final as (
    select
        customer_id,
        order_date,
        date_diff('day', lag(order_date) over (partition by customer_id order by order_date), order_date) as gap_days
    from days
)

select gap_days from final where gap_days is not null
