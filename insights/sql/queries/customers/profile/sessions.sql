-- grain: one row per web/app session of the customer
-- The customer's web/app sessions (events grouped by session id; events without one are their own session).
select
    coalesce(session_id, 'event-' || cast(event_id as varchar))          as session_id,
    min(event_at)                                                        as started_at,
    count(*)                                                             as events,
    count(*) filter (where event_type = 'view')                          as views,
    bool_or(event_type = 'cart')                                         as added_to_cart,
    bool_or(event_type = 'purchase')                                     as purchased,
    mode(channel)                                                        as channel,
    mode(device)                                                         as device
from events
where customer_id = $customer_id
group by 1
order by started_at desc
