-- grain: one row per customer and order tag, over the orders placed before $cutoff
-- Tags are order_attributes with name 'tag' (lower case, one row per tag; insights/ingest/load/attributes.py).
-- Tags that say "late" or "delay" are left out: the late-delivery features cover them (order_late_flags).
-- orders: the customer's orders with the tag; on_last_order: their last order before $cutoff carries it.
with tags as (
    select distinct order_id, value as tag
    from order_attributes
    where name = 'tag' and value <> '' and not regexp_matches(value, '(^|[^a-z])(late|delay)')
),

known_orders as (
    select order_id, customer_id, ordered_at
    from orders
    where customer_id is not null and ordered_at < $cutoff and is_order
),

last_orders as (
    select customer_id, arg_max(order_id, ordered_at) as last_order_id
    from known_orders
    group by customer_id
),

final as (
    select
        o.customer_id,
        t.tag,
        count(*)                                    as orders,
        bool_or(o.order_id = l.last_order_id)       as on_last_order
    from tags t
    join known_orders o on o.order_id = t.order_id
    join last_orders l on l.customer_id = o.customer_id
    group by o.customer_id, t.tag
)

select * from final order by customer_id, tag
