-- grain: one row per event that is a funnel step (its session or customer key, its step number, its time, device
-- and channel)
-- Parameters: $names (list of lower-case event types or names), $steps (the step number of each name, same
-- order), $by_customer (true: one funnel per known customer over the whole period instead of per session).
-- A session is its session id; events without one are grouped per visitor (customer, e-mail) and day. The key is
-- kept as a 64-bit hash of that text (joins on numbers; two of a few million keys share a hash about once in
-- a million runs); units.sql hashes the same text.
create or replace temp table _funnel_events as
with keyed as (
    select
        hash(case when $by_customer then customer_id
                  else coalesce(session_id, coalesce(customer_id, email, 'anonymous') || '·' || strftime(event_at, '%Y-%m-%d'))
             end)                                                                    as unit_key,
        case when $by_customer then customer_id is not null else true end           as keyed,
        event_at,
        device,
        channel,
        greatest(coalesce(list_position($names, lower(event_type)), 0),
                 coalesce(list_position($names, lower(event_name)), 0))             as name_position
    from events
    where event_at is not null
)

select unit_key, $steps[name_position] as step, event_at, device, channel
from keyed
where name_position > 0 and keyed
