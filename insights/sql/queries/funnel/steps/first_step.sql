-- grain: one row per session (or customer) that reached the funnel's first step, with the time it did
create or replace temp table _funnel_reach as
select unit_key, 1 as step, min(event_at) as reached_at
from _funnel_events
where step = 1
group by unit_key
