-- grain: one row per customer with at least one order placed before $cutoff
-- Churn features as of $cutoff (a TIMESTAMP). Everything is filtered to what was known before $cutoff:
-- order lines placed before it, deliveries that had arrived before it, web events and feedback submitted
-- before it. Nothing dated at or after $cutoff may reach a feature (tests/test_churn_features.py proves it).
-- $negative_pattern is the packaged regular expression of complaint words (a bound value, never user text).
with lines as (
    select * from order_lines
    where customer_id is not null and ordered_at < $cutoff
),

order_facts as (
    select
        order_id,
        min(customer_id)                                                      as customer_id,
        coalesce(min(ordered_at) filter (where not is_cancellation), min(ordered_at)) as ordered_at,
        sum(revenue)                                                          as net_revenue,
        bool_and(is_cancellation)                                             as wholly_cancelled,
        bool_or(is_return)                                                    as has_return,
        sum(revenue) filter (where is_return)                                 as returned_value,
        -- a delivery is known only once it has arrived
        max(delivered_at) filter (where delivered_at < $cutoff)               as delivered_at,
        max(promised_at)                                                      as promised_at
    from lines
    group by order_id
),

orders_known as (
    select * from order_facts where not wholly_cancelled
),

order_days as (
    -- several orders on one day count as one purchase occasion
    select customer_id, cast(ordered_at as date) as order_date, sum(net_revenue) as day_revenue
    from orders_known
    group by customer_id, cast(ordered_at as date)
),

gaps as (
    select
        customer_id,
        order_date,
        day_revenue,
        date_diff('day', lag(order_date) over (partition by customer_id order by order_date), order_date) as gap_days,
        row_number() over (partition by customer_id order by order_date desc)                           as recent_rank
    from order_days
),

shop as (
    select median(gap_days) as shop_gap_days from gaps where gap_days is not null
),

per_customer as (
    select
        customer_id,
        min(order_date)                                             as first_order_date,
        max(order_date)                                             as last_order_date,
        count(*)                                                    as order_days,
        count(gap_days)                                             as gaps,
        avg(gap_days)                                               as mean_gap_days,
        arg_max(day_revenue, order_date)                            as last_order_value,
        avg(day_revenue) filter (where recent_rank > 1)             as earlier_order_value
    from gaps
    group by customer_id
),

order_totals as (
    select
        customer_id,
        count(*)                                                    as orders,
        sum(net_revenue)                                            as net_revenue,
        count(*) filter (where has_return)                          as returns,
        coalesce(-sum(returned_value), 0)                           as returned_value
    from orders_known
    group by customer_id
),

deliveries as (
    select
        customer_id,
        delivered_at,
        greatest(date_diff('day', promised_at, delivered_at), 0)   as late_days
    from orders_known
    where delivered_at is not null and promised_at is not null
),

late as (
    select
        customer_id,
        count(*)                                                    as deliveries,
        count(*) filter (where late_days > 0)                       as late_deliveries,
        arg_max(late_days, delivered_at)                            as last_delivery_late_days,
        max(delivered_at)                                           as last_delivered_at,
        max(late_days)                                              as max_late_days
    from deliveries
    group by customer_id
),

event_sessions as (
    select
        customer_id,
        coalesce(session_id, strftime(event_at, '%Y-%m-%d'))        as session_key,
        min(event_at)                                               as started_at,
        bool_or(event_type in ('cart', 'checkout'))                 as has_cart,
        bool_or(event_type = 'purchase')                            as has_purchase
    from events
    where customer_id is not null and event_at < $cutoff
    group by customer_id, coalesce(session_id, strftime(event_at, '%Y-%m-%d'))
),

web as (
    select
        customer_id,
        count(*) filter (where started_at >= $cutoff - interval 90 day)                    as sessions_90d,
        count(*) filter (where started_at >= $cutoff - interval 180 day
                           and started_at < $cutoff - interval 90 day)                      as sessions_prev_90d,
        count(*) filter (where started_at >= $cutoff - interval 90 day
                           and has_cart and not has_purchase)                               as cart_abandons_90d,
        date_diff('day', cast(max(started_at) as date), cast($cutoff as date))              as days_since_last_session
    from event_sessions
    group by customer_id
),

answers as (
    select
        *,
        regexp_extract(lower(coalesce(text, '')), $negative_pattern, 1)                    as negative_word
    from feedback
    where customer_id is not null and submitted_at < $cutoff
),

opinions as (
    select
        customer_id,
        arg_max(score, submitted_at) filter (where kind = 'nps' and score is not null)      as last_nps,
        max(submitted_at) filter (where kind = 'nps' and score is not null)                 as last_nps_at,
        arg_max(score, submitted_at) filter (where kind in ('csat', 'review') and score is not null) as last_rating,
        max(submitted_at) filter (where kind in ('csat', 'review') and score is not null)   as last_rating_at,
        count(*) filter (where negative_word <> '')                                         as negative_feedback,
        arg_max(negative_word, submitted_at) filter (where negative_word <> '')             as last_negative_word,
        max(submitted_at) filter (where negative_word <> '')                                as last_negative_at
    from answers
    group by customer_id
),

final as (
    select
        pc.customer_id,
        pc.first_order_date,
        pc.last_order_date,
        date_diff('day', pc.last_order_date, cast($cutoff as date))          as recency_days,
        date_diff('day', pc.first_order_date, cast($cutoff as date))         as tenure_days,
        ot.orders,
        pc.order_days,
        cast(ot.net_revenue as double)                                       as net_revenue,
        cast(ot.net_revenue as double) / ot.orders                           as avg_order_value,
        pc.gaps,
        pc.mean_gap_days,
        shop.shop_gap_days,
        cast(pc.last_order_value as double)                                  as last_order_value,
        cast(pc.earlier_order_value as double)                               as earlier_order_value,
        case when pc.earlier_order_value > 0
             then cast(pc.last_order_value as double) / cast(pc.earlier_order_value as double) end as value_trend,
        ot.returns,
        cast(ot.returned_value as double)                                    as returned_value,
        coalesce(late.deliveries, 0)                                         as deliveries,
        coalesce(late.late_deliveries, 0)                                    as late_deliveries,
        late.last_delivery_late_days,
        late.max_late_days,
        late.last_delivered_at,
        coalesce(web.sessions_90d, 0)                                        as sessions_90d,
        coalesce(web.sessions_prev_90d, 0)                                   as sessions_prev_90d,
        coalesce(web.cart_abandons_90d, 0)                                   as cart_abandons_90d,
        web.days_since_last_session,
        op.last_nps,
        op.last_nps_at,
        op.last_rating,
        op.last_rating_at,
        coalesce(op.negative_feedback, 0)                                    as negative_feedback,
        op.last_negative_word,
        op.last_negative_at
    from per_customer pc
    join order_totals ot on ot.customer_id = pc.customer_id
    cross join shop
    left join late on late.customer_id = pc.customer_id
    left join web on web.customer_id = pc.customer_id
    left join opinions op on op.customer_id = pc.customer_id
)

select * from final order by customer_id
