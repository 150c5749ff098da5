-- grain: one row per session (or customer) that reached the first step: how far it got and who it was
-- The customer of a session is any id it carries (an anonymous session that logs in later is linked); device,
-- channel and country are the session's most frequent; "returning" means an order before the session began.
-- Parameter: $by_customer.
with reach as (
    select unit_key, max(step) as last_step, min(reached_at) filter (where step = 1) as started_at,
           list(epoch(reached_at) order by step) as times
    from _funnel_reach group by unit_key
),

facts as (
    select
        case when $by_customer then customer_id
             else coalesce(session_id, coalesce(customer_id, email, 'anonymous') || '·' || strftime(event_at, '%Y-%m-%d'))
        end                                                                          as unit_key,
        max(customer_id)                                                             as customer_id,
        mode(device)                                                                 as device,
        mode(channel)                                                                as channel
    from events
    where event_at is not null
    group by 1
)

select
    r.unit_key,
    r.last_step,
    r.started_at,
    r.times,
    f.customer_id,
    f.device,
    f.channel,
    c.country,
    case when f.customer_id is null then 'unknown'
         when c.first_order_at < r.started_at then 'returning'
         else 'new' end                                                               as visitor
from reach r
left join facts f using (unit_key)
left join customers c on c.customer_id = f.customer_id
