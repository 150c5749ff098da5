-- grain: one row per feedback answer (survey response or review) with a score or a comment
-- Each answer with what is known about its customer (channel, country, first category) and the order it is
-- about: the order it names, else the customer's latest order placed before the answer; whether that order
-- arrived late. (The latest earlier order is picked with a window, not an asof join, so that Spark runs it too.)
with answers as (
    select feedback_id, customer_id, submitted_at, kind, score, text, order_id
    from feedback
    where score is not null or text is not null
),

orders_known as (
    select order_id, customer_id, ordered_at, late_days
    from orders
    where is_order
),

named as (
    select a.*, o.late_days as named_late_days, o.order_id as named_order
    from answers a
    left join orders_known o on o.order_id = a.order_id
),

earlier_orders as (
    -- the customer's orders placed before the answer, latest first (ties by order id: one stable pick)
    select
        n.feedback_id,
        o.late_days,
        row_number() over (partition by n.feedback_id order by o.ordered_at desc, o.order_id desc) as recency_rank
    from named n
    join orders_known o
        on o.customer_id = n.customer_id and o.ordered_at <= n.submitted_at
    where n.named_order is null and n.customer_id is not null
),

latest as (
    select feedback_id, late_days as latest_late_days
    from earlier_orders
    where recency_rank = 1
),

final as (
    select
        n.feedback_id,
        n.customer_id,
        n.submitted_at,
        lower(n.kind)                                                        as kind,
        n.score,
        n.text,
        c.channel,
        c.country,
        c.first_category                                                     as category,
        coalesce(n.named_late_days, l.latest_late_days)                      as late_days
    from named n
    left join latest l using (feedback_id)
    left join customers c on c.customer_id = n.customer_id
)

select * from final order by submitted_at, feedback_id
