-- grain: one row per visit channel, plus one row with channel null for every visit together
-- Visits (distinct sessions; an event without a session counts as its own visit) and purchases before a
-- period ([$base_start, $start)) and in it ([$start, $stop)), by the channel the events name.
with visits as (
    select
        coalesce(session_id, cast(event_id as varchar))                         as visit,
        any_value(channel)                                                      as channel,
        min(event_at) < cast($start as timestamp)                               as in_base
    from events
    where event_at >= cast($base_start as timestamp) and event_at < cast($stop as timestamp)
    group by 1
),

final as (
    select
        case when grouping(channel) = 0 then coalesce(channel, '(unknown)') end as channel,
        count(*) filter (where in_base)                                         as base_visits,
        count(*) filter (where not in_base)                                     as period_visits
    from visits
    group by grouping sets ((channel), ())
)

select * from final
