-- grain: one row (counts over every real order)
-- How many orders carry a time of day (anything but midnight exactly): none means date-only data.
select count(*) filter (where ordered_at <> date_trunc('day', ordered_at)) as with_time, count(*) as orders
from orders
where is_order
