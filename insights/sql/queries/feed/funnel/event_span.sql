-- grain: one row: the first and last day of the web events before $stop, and the average order value of those days
with span as (
    select cast(min(event_at) as date) as first_day, cast(max(event_at) as date) as last_day
    from events
    where event_at < cast($stop as timestamp)
)

select
    span.first_day,
    span.last_day,
    (select cast(avg(net_revenue) as double)
     from orders
     where is_order and order_date between span.first_day and span.last_day) as aov
from span
