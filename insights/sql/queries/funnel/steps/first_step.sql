-- grain: one row per session (or customer) that reached the funnel's first step, with the time it did
-- (reached_at), the time the conversion window starts from (first_at: the same, for step 1), and the device and
-- channel of that first event (the visit's way in; null on the rows of later steps)
create or replace temp table _funnel_reach as
select unit_key, 1 as step, min(event_at) as reached_at, min(event_at) as first_at,
       arg_min(device, event_at) as device, arg_min(channel, event_at) as channel
from _funnel_events
where step = 1
group by unit_key
