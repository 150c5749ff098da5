-- grain: one row per session (or customer) that reached the funnel's first step, with the time it did
-- (reached_at) and the time the conversion window starts from (first_at: the same, for step 1)
create or replace temp table _funnel_reach as
select unit_key, 1 as step, min(event_at) as reached_at, min(event_at) as first_at
from _funnel_events
where step = 1
group by unit_key
