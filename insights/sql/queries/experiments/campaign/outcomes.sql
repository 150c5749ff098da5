-- grain: one row per row of a campaign's assignment list (the registered frame _campaign_units: unit_row,
-- unit_key, key_kind 'email' or 'id', sent_at), with the customer it names and that customer's orders in the
-- window after the send and in the pre-period before it.
-- A key names a customer by e-mail (case and spaces ignored) or by an id as the shop's files write it (the
-- resolved customer id, or a source id of an orders or CRM file). ``matches`` > 1: the key names two customers.
-- Orders count only real orders (is_order); revenue counts every order id's net revenue (a wholly cancelled id
-- keeps its negative revenue), as every revenue total does.
with keys as (
    select distinct customer_id, lower(trim(email)) as unit_key, 'email' as key_kind
    from customers where email is not null
    union
    select distinct customer_id, customer_id, 'id' from customers
    union
    select distinct customer_id, source_customer_id, 'id'
    from customer_records where customer_id is not null and source_customer_id is not null
    union
    select distinct customer_id, source_customer_id, 'id'
    from order_lines where customer_id is not null and source_customer_id is not null
),

matched as (
    select
        u.unit_row,
        u.sent_at,
        min(k.customer_id)                      as customer_id,
        count(distinct k.customer_id)           as matches
    from _campaign_units u
    left join keys k
        on k.key_kind = u.key_kind
       and k.unit_key = case when u.key_kind = 'email' then lower(trim(u.unit_key)) else u.unit_key end
    group by u.unit_row, u.sent_at
)

select
    m.unit_row,
    m.customer_id,
    m.matches,
    count(o.order_id) filter (where o.is_order and o.ordered_at >= m.sent_at
                              and o.ordered_at < m.sent_at + to_days($window_days))          as orders_after,
    coalesce(sum(o.net_revenue) filter (where o.ordered_at >= m.sent_at
                              and o.ordered_at < m.sent_at + to_days($window_days)), 0)      as revenue_after,
    count(o.order_id) filter (where o.is_order and o.ordered_at < m.sent_at
                              and o.ordered_at >= m.sent_at - to_days($pre_days))           as orders_before,
    coalesce(sum(o.net_revenue) filter (where o.ordered_at < m.sent_at
                              and o.ordered_at >= m.sent_at - to_days($pre_days)), 0)       as revenue_before
from matched m
left join orders o on o.customer_id = m.customer_id
group by m.unit_row, m.customer_id, m.matches
order by m.unit_row
