-- grain: one row (counts over every real order)
-- How many orders carry a time of day (anything but midnight exactly): none means date-only data.
select count(*) filter (where cast(ordered_at as time) <> time '00:00:00') as with_time, count(*) as orders
from orders
where is_order
