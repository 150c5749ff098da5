-- grain: one row per session (or customer) that reached step $k after step $k - 1, within $window_seconds of step 1
-- The step counts only at or after the time the previous step was reached, so the order of the steps holds.
insert into _funnel_reach (unit_key, step, reached_at, first_at)
select e.unit_key, $k, min(e.event_at), prev.first_at
from _funnel_events e
join _funnel_reach prev on prev.unit_key = e.unit_key and prev.step = $k - 1
where e.step = $k
  and e.event_at >= prev.reached_at
  and e.event_at <= prev.first_at + to_seconds($window_seconds)
group by e.unit_key, prev.first_at
