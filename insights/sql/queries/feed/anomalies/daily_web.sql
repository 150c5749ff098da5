-- grain: one row per calendar day with web events in [$start, $end)
-- Visits (distinct sessions; an event without a session is its own visit) and the visits with a purchase event:
-- the conversion series of the anomaly detector.
select
    cast(event_at as date)                                                               as order_date,
    count(distinct coalesce(session_id, 'event-' || cast(event_id as varchar)))           as visits,
    count(distinct coalesce(session_id, 'event-' || cast(event_id as varchar)))
        filter (where lower(event_type) = 'purchase')                                    as buying_visits
from events
where event_at >= cast($start as timestamp) and event_at < cast($end as timestamp)
group by 1
order by 1
