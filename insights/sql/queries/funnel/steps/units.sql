-- grain: one row per session (or customer) that reached the first step: how far it got and who it was
-- The customer of a session is any id any of its events carries (an anonymous session that logs in later is
-- linked); device and channel are those of its first step's event (its way in); country is the customer's;
-- "returning" means an order before the session began.
-- rfm and lifecycle: the customer's label in the month the unit began, from the temp view _funnel_labels
-- (dimension, customer_id, month, value) the caller registers; $not_yet ("not yet a customer") without one. Values nobody
-- can tell are 'unknown'. month ('YYYY-MM') and week (its Monday) are those the unit began in.
-- Parameters: $by_customer, $not_yet.
create or replace temp table _funnel_units as
with reach as (
    select unit_key, max(step) as last_step, min(first_at) as started_at, max(device) as device,
           max(channel) as channel
    from _funnel_reach group by unit_key
),

facts as (
    select
        hash(case when $by_customer then customer_id
                  else coalesce(session_id, coalesce(customer_id, email, 'anonymous') || '·' || strftime(event_at, '%Y-%m-%d'))
             end)                                                                    as unit_key,
        max(customer_id)                                                             as customer_id
    from events
    where event_at is not null and customer_id is not null
    group by 1
),

units as (
    select
        r.unit_key,
        r.last_step,
        r.started_at,
        f.customer_id,
        coalesce(r.device, 'unknown')                                                as device,
        coalesce(r.channel, 'unknown')                                               as channel,
        coalesce(c.country, 'unknown')                                               as country,
        case when f.customer_id is null then 'unknown'
             when c.first_order_at < r.started_at then 'returning'
             else 'new' end                                                          as visitor,
        strftime(r.started_at, '%Y-%m')                                              as month,
        strftime(date_trunc('week', r.started_at), '%Y-%m-%d')                       as week
    from reach r
    left join facts f using (unit_key)
    left join customers c on c.customer_id = f.customer_id
)

select
    u.*,
    case when u.customer_id is null then 'unknown' else coalesce(rfm.value, $not_yet) end       as rfm,
    case when u.customer_id is null then 'unknown' else coalesce(life.value, $not_yet) end      as lifecycle
from units u
left join (select * from _funnel_labels where dimension = 'rfm') rfm
       on rfm.customer_id = u.customer_id and rfm.month = u.month
left join (select * from _funnel_labels where dimension = 'lifecycle') life
       on life.customer_id = u.customer_id and life.month = u.month
