-- grain: one row per customer with at least one order placed before $cutoff
-- Churn features as of $cutoff (a TIMESTAMP). Everything is filtered to what was known before $cutoff:
-- order lines placed before it, deliveries that had arrived before it, web events and feedback submitted
-- before it. Orders come from the orders mart when all their lines precede the cutoff, else from their
-- lines before it (a return booked later under the same order id stays unknown). "returns" counts orders
-- with a return or cancelled line, as the orders mart's has_return does. Nothing dated at or after $cutoff may reach a feature (tests/test_churn_features.py proves it).
-- $negative_pattern is the packaged regular expression of complaint words (a bound value, never user text).
with late_lines as (
    -- order ids with a line dated at or after the cutoff (e.g. a later return): rebuilt from their lines below
    select distinct order_id from order_lines where ordered_at >= $cutoff
),

settled_orders as (
    -- every line of these orders is dated before the cutoff, so the orders mart describes them exactly
    select o.order_id, o.customer_id, o.ordered_at, o.net_revenue, o.is_order, o.has_return,
           o.delivered_at, o.promised_at
    from orders o
    anti join late_lines l on l.order_id = o.order_id
    where o.customer_id is not null and o.ordered_at < $cutoff
),

straddling_orders as (
    select
        order_id,
        min(customer_id)                                                      as customer_id,
        coalesce(min(ordered_at) filter (where not is_cancellation), min(ordered_at)) as ordered_at,
        sum(revenue)                                                          as net_revenue,
        not bool_and(is_cancellation)                                         as is_order,
        bool_or(is_return or is_cancellation)                                 as has_return,
        max(delivered_at)                                                     as delivered_at,
        max(promised_at)                                                      as promised_at
    from order_lines
    semi join late_lines using (order_id)
    where customer_id is not null and ordered_at < $cutoff
    group by order_id
),

discount_orders as (
    -- orders whose files name a discount code (order_attributes, issue 10 item 4)
    select distinct order_id from order_attributes
    where name = 'discount_code' and coalesce(trim(value), '') <> ''
),

orders_known as materialized (
    select
        k.customer_id, k.ordered_at, d.order_id is not null as has_discount, k.net_revenue, k.has_return, k.promised_at,
        -- a delivery is known only once it has arrived
        case when k.delivered_at < $cutoff then k.delivered_at end            as delivered_at,
        case when k.delivered_at < $cutoff and k.promised_at is not null
             then greatest(date_diff('day', k.promised_at, k.delivered_at), 0) end as late_days,
        -- a late flag or tag of the order (order_late_flags): an attribute of the order as loaded, taken as
        -- known for every order placed before the cutoff (the files carry no date for it)
        f.flagged_late
    from (select * from settled_orders union all select * from straddling_orders) k
    left join order_late_flags f on f.order_id = k.order_id
    left join discount_orders d on d.order_id = k.order_id
    where k.is_order
),

order_days as (
    -- several orders on one day count as one purchase occasion
    select customer_id, cast(ordered_at as date) as order_date, sum(net_revenue) as day_revenue
    from orders_known
    group by customer_id, cast(ordered_at as date)
),

per_customer as (
    -- the mean of consecutive gaps telescopes to (last − first) / (order days − 1): no window needed
    select
        customer_id,
        min(order_date)                                             as first_order_date,
        max(order_date)                                             as last_order_date,
        count(*)                                                    as order_days,
        count(*) - 1                                                as gaps,
        case when count(*) > 1
             then date_diff('day', min(order_date), max(order_date)) / (count(*) - 1) end as mean_gap_days,
        arg_max(day_revenue, order_date)                            as last_order_value,
        case when count(*) > 1
             then (sum(day_revenue) - arg_max(day_revenue, order_date)) / (count(*) - 1) end as earlier_order_value
    from order_days
    group by customer_id
),

shop as (
    -- the shop's typical gap: the median over repeat customers of their own mean gap
    select median(mean_gap_days) as shop_gap_days from per_customer where gaps > 0
),

order_totals as (
    select
        customer_id,
        count(*)                                                    as orders,
        sum(net_revenue)                                            as net_revenue,
        count(*) filter (where has_return)                          as returns,
        count(late_days)                                            as deliveries,
        count(*) filter (where late_days > 0)                       as late_deliveries,
        -- orders late by their dates or by a late flag or tag
        count(*) filter (where coalesce(late_days, 0) > 0 or coalesce(flagged_late, false)) as late_orders,
        count(*) filter (where has_discount)                        as discount_orders,
        -- late days of the most recent delivery with a promised date
        arg_max(late_days, delivered_at) filter (where late_days is not null) as last_delivery_late_days,
        max(delivered_at) filter (where late_days is not null)      as last_delivered_at,
        max(late_days)                                              as max_late_days,
        -- the last order late (1) or not (0): delivered after its promised date or flagged late; null when
        -- neither its dates nor its attributes say, so a shop without such data gets no such feature
        arg_max_null(case when late_days is null and flagged_late is null then null
                     when coalesce(late_days, 0) > 0 or coalesce(flagged_late, false) then 1 else 0 end,
                     ordered_at)                                    as last_order_late
    from orders_known
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
        ot.deliveries,
        ot.late_deliveries,
        ot.late_orders,
        cast(ot.late_orders as double) / ot.orders                          as late_share,
        ot.discount_orders,
        ot.last_delivery_late_days,
        ot.max_late_days,
        ot.last_delivered_at,
        ot.last_order_late,
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
    left join web on web.customer_id = pc.customer_id
    left join opinions op on op.customer_id = pc.customer_id
)

select * from final order by customer_id
