-- grain: one row per period (bucket) from the first to the last order
-- The KPI stack of each period.
-- Parameters: $grain ('week' | 'month' | 'quarter' | 'custom'), $anchor (date; custom only), $days (custom only),
-- $with_events and $with_feedback (false when the workspace has none: DuckDB then skips those joins entirely).
-- Reads the kpi_order_facts mart (one row per order), events and feedback.
-- Definitions: insights/performance/kpis/table.py.
with facts as (
    select
        *,
        -- week, month, quarter: the period numbers precomputed in the mart; custom: blocks of $days days
        case $grain when 'week' then b_week when 'month' then b_month when 'quarter' then b_quarter
             else kpi_bucket(ordered_at, $grain, $anchor, $days) end                        as b,
        case $grain when 'week' then prev_b_week when 'month' then prev_b_month when 'quarter' then prev_b_quarter
             else kpi_bucket(prev_order_at, $grain, $anchor, $days) end                     as prev_b
    from kpi_order_facts
),

bounds as (
    select min(b) as first_b, max(b) as last_b, min(order_date) as data_start, max(ordered_at) as data_end
    from facts
),

grid as (
    select unnest(range(first_b, last_b + 1)) as b from bounds
),

per_period as (
    select
        b,
        count(*) filter (where is_order)                                                    as orders,
        sum(net_revenue)                                                                    as net_revenue,
        count(distinct customer_id) filter (where is_order and customer_id is not null)     as customers_active,
        count(*) filter (where is_order and customer_id is not null)                        as customer_orders,
        sum(net_revenue) filter (where customer_id is not null)                             as customer_revenue,
        count(*) filter (where order_seq = 1)                                               as new_customers,
        count(*) filter (where order_seq = 2)                                               as second_orders,
        count(*) filter (where order_seq > 1)                                               as repeat_orders,
        avg(date_diff('day', prev_order_at, ordered_at)) filter (where order_seq > 1)       as days_between_orders,
        -- a customer active now whose previous order fell in the previous period was retained
        count(distinct customer_id) filter (where order_seq > 1 and prev_b = b - 1)         as retained_customers,
        count(*) filter (where order_seq = 1 and next_order_at <= ordered_at + interval 30 day) as activated_30,
        count(*) filter (where order_seq = 1 and next_order_at <= ordered_at + interval 60 day) as activated_60,
        count(*) filter (where order_seq = 1 and next_order_at <= ordered_at + interval 90 day) as activated_90,
        max(ordered_at) filter (where order_seq = 1)                                        as last_first_order_at
    from facts
    group by b
),

customer_first as (
    select customer_id, min(first_order_at) as first_order_at
    from kpi_order_facts
    where first_order_at is not null
    group by customer_id
),

web as (
    select
        kpi_bucket(e.event_at, $grain, $anchor, $days)                                      as b,
        coalesce(e.session_id, 'event:' || cast(e.event_id as varchar))                     as session_key,
        e.customer_id,
        e.event_type,
        cf.first_order_at
    from events e
    left join customer_first cf on cf.customer_id = e.customer_id
    where $with_events and e.event_at is not null
),

web_per_session as (
    select
        b,
        session_key,
        bool_or(event_type = 'view')                                                        as has_view,
        bool_or(event_type = 'cart')                                                        as has_cart,
        bool_or(event_type = 'checkout')                                                    as has_checkout,
        bool_or(event_type = 'purchase')                                                    as has_purchase
    from web
    group by b, session_key
),

web_per_period as (
    select
        b,
        count(*)                                                                            as sessions,
        count(*) filter (where has_view)                                                    as sessions_view,
        count(*) filter (where has_cart)                                                    as sessions_cart,
        count(*) filter (where has_checkout)                                                as sessions_checkout,
        count(*) filter (where has_purchase)                                                as sessions_purchase
    from web_per_session
    group by b
),

prospects as (
    -- visitors who had not ordered before the period: identified ones by customer, anonymous ones by session
    select
        w.b,
        count(distinct coalesce(w.customer_id, 'session:' || w.session_key))                as prospects,
        count(distinct w.customer_id) filter (
            where kpi_bucket(w.first_order_at, $grain, $anchor, $days) = w.b)                as prospects_converted
    from web w
    where w.first_order_at is null
       or kpi_bucket(w.first_order_at, $grain, $anchor, $days) >= w.b
    group by w.b
),

survey as (
    select
        kpi_bucket(submitted_at, $grain, $anchor, $days)                                    as b,
        count(*) filter (where kind = 'nps' and score is not null)                          as nps_responses,
        count(*) filter (where kind = 'nps' and score >= 9)                                 as nps_promoters,
        count(*) filter (where kind = 'nps' and score <= 6)                                 as nps_detractors,
        count(*) filter (where kind = 'csat' and score is not null)                         as csat_responses,
        count(*) filter (where kind = 'csat' and score >= 4)                                as csat_satisfied
    from feedback
    where $with_feedback and submitted_at is not null
    group by 1
),

joined as (
    select
        g.b,
        coalesce(p.orders, 0)                                                               as orders,
        coalesce(p.net_revenue, 0)                                                          as net_revenue,
        coalesce(p.customers_active, 0)                                                     as customers_active,
        coalesce(p.customer_orders, 0)                                                      as customer_orders,
        coalesce(p.customer_revenue, 0)                                                     as customer_revenue,
        coalesce(p.new_customers, 0)                                                        as new_customers,
        coalesce(p.second_orders, 0)                                                        as second_orders,
        coalesce(p.repeat_orders, 0)                                                        as repeat_orders,
        p.days_between_orders,
        coalesce(p.retained_customers, 0)                                                   as retained_customers,
        p.activated_30, p.activated_60, p.activated_90, p.last_first_order_at,
        w.sessions, w.sessions_view, w.sessions_cart, w.sessions_checkout, w.sessions_purchase,
        pr.prospects, pr.prospects_converted,
        s.nps_responses, s.nps_promoters, s.nps_detractors, s.csat_responses, s.csat_satisfied
    from grid g
    left join per_period p on p.b = g.b
    left join web_per_period w on w.b = g.b
    left join prospects pr on pr.b = g.b
    left join survey s on s.b = g.b
),

final as (
    select
        kpi_bucket_start(j.b, $grain, $anchor, $days)                                       as period,
        kpi_bucket_start(j.b + 1, $grain, $anchor, $days)                                   as period_end,
        j.b                                                                                 as bucket,
        (kpi_bucket_start(j.b + 1, $grain, $anchor, $days) - 1 > cast(bd.data_end as date)
         or kpi_bucket_start(j.b, $grain, $anchor, $days) < bd.data_start)                  as is_partial,
        j.customers_active,
        j.new_customers,
        j.customers_active - j.new_customers                                                as returning_customers,
        j.orders,
        j.net_revenue,
        j.net_revenue / nullif(j.orders, 0)                                                 as aov,
        j.customer_revenue / nullif(j.customers_active, 0)                                  as revenue_per_customer,
        j.customer_orders / nullif(j.customers_active, 0)                                   as orders_per_customer,
        j.days_between_orders,
        j.repeat_orders / nullif(j.customer_orders, 0)                                      as reorder_rate,
        sum(j.second_orders) over running / nullif(sum(j.new_customers) over running, 0)    as repeat_purchase_rate,
        case when lag(j.customers_active) over by_period > 0
             then j.retained_customers / lag(j.customers_active) over by_period end         as retention,
        case when lag(j.customers_active) over by_period > 0
             then 1 - j.retained_customers / lag(j.customers_active) over by_period end     as churn_rate,
        -- activation is only known once every new customer of the period has had the full window
        case when j.new_customers > 0 and j.last_first_order_at + interval 30 day <= bd.data_end
             then j.activated_30 / j.new_customers end                                      as activation_30,
        case when j.new_customers > 0 and j.last_first_order_at + interval 60 day <= bd.data_end
             then j.activated_60 / j.new_customers end                                      as activation_60,
        case when j.new_customers > 0 and j.last_first_order_at + interval 90 day <= bd.data_end
             then j.activated_90 / j.new_customers end                                      as activation_90,
        j.sessions,
        j.sessions_purchase / nullif(j.sessions, 0)                                         as session_conversion,
        j.sessions_cart / nullif(j.sessions_view, 0)                                        as view_to_cart,
        j.sessions_checkout / nullif(j.sessions_cart, 0)                                    as cart_to_checkout,
        j.sessions_purchase / nullif(j.sessions_checkout, 0)                                as checkout_to_purchase,
        j.prospects_converted / nullif(j.prospects, 0)                                      as first_order_conversion,
        100.0 * (j.nps_promoters - j.nps_detractors) / nullif(j.nps_responses, 0)           as nps,
        j.nps_responses,
        j.csat_satisfied / nullif(j.csat_responses, 0)                                      as csat,
        j.csat_responses,
        j.retained_customers
    from joined j
    cross join bounds bd
    window by_period as (order by j.b),
           running as (order by j.b rows between unbounded preceding and current row)
)

select * from final order by period
