-- grain: one row per order id whose attributes say whether it arrived late (a late-delivery flag, or a tag such as
-- 'late delivery' / 'delayed')
-- The attribute side of "was this order late?" (order_attributes, see insights/ingest/load/attributes.py); the
-- dates side is the orders mart's late_days (delivered after promised). The churn features and the segment
-- builder combine the two: late when either says so.
with attributes as (
    select order_id, name, value
    from order_attributes
    where name = 'late_delivery'
       or (name = 'tag' and regexp_matches(value, '(^|[^a-z])(late|delay)'))
),

final as (
    select
        order_id,
        bool_or(name = 'tag' or value = 'true')                 as flagged_late
    from attributes
    group by order_id
)

select * from final
