-- grain: one row per customer with order lines in the 365 days before $as_of
-- Fallback expected value when no CLV has been fitted: net revenue of the trailing twelve months.
with lines as (
    select * from order_lines
    where customer_id is not null and ordered_at < $as_of and ordered_at >= $as_of - interval 365 day
),

final as (
    select customer_id, cast(sum(revenue) as double) as trailing_revenue
    from lines
    group by customer_id
)

select * from final
