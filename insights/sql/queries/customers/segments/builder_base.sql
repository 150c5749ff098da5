-- grain: one row per customer of the customers mart (those matching the filters, or all of them flagged)
-- One row per customer (customers mart) with their RFM segment, lifecycle stage and recency, for the segment
-- builder. _builder_labels is a frame registered by insights.segment_builder (customer_id, rfm_segment,
-- lifecycle_stage, recency_days, gross_margin, margin_pct, last_visit_date, left_cart_days, browsed_days). {where} is replaced by conditions built only from a fixed field list
-- (names quoted by quote_ident), fixed operators and ? placeholders; values are always bound. {keep} is
-- `in_segment` (the segment only) or `true` (everyone, flagged), chosen in code.
with customers as (
    select * from customers
),

labels as (
    select * from _builder_labels
),

last_orders as (
    select customer_id, arg_max(order_id, ordered_at) as order_id
    from orders
    where is_order and customer_id is not null
    group by customer_id
),

lateness as (
    -- the last order was late: delivered after its promised date, or flagged / tagged late (order_late_flags);
    -- unknown (null) when neither the dates nor an attribute say
    select
        lo.customer_id,
        case when o.late_days is null and f.flagged_late is null then null
             else coalesce(o.late_days > 0, false) or coalesce(f.flagged_late, false) end as last_order_late
    from last_orders lo
    join orders o on o.order_id = lo.order_id
    left join order_late_flags f on f.order_id = lo.order_id
),

base as (
    select
        c.customer_id,
        c.name,
        c.email,
        c.phone,
        c.country,
        c.city,
        c.channel,
        c.consent_email,
        c.consent_sms,
        c.orders,
        cast(c.net_revenue as double)                    as net_revenue,
        cast(c.aov as double)                            as aov,
        cast(c.first_order_at as date)                   as first_order_date,
        cast(c.last_order_at as date)                    as last_order_date,
        c.first_category,
        l.rfm_segment,
        l.lifecycle_stage,
        l.recency_days,
        late.last_order_late,
        -- gross margin and its % of spend (core.margin, registered with the labels; null: revenue-based)
        cast(l.gross_margin as double)                  as gross_margin,
        cast(l.margin_pct as double)                    as margin_pct,
        -- visits to the site (core.visits, registered with the labels): the last, and days since a cart or a browse
        -- nothing was bought after (null: none)
        cast(l.last_visit_date as date)                 as last_visit_date,
        cast(l.left_cart_days as double)                as left_cart_days,
        cast(l.browsed_days as double)                  as browsed_days
    from customers c
    left join labels l on l.customer_id = c.customer_id
    left join lateness late on late.customer_id = c.customer_id
),

flagged as (
    select *, coalesce(({where}), false) as in_segment from base
),

final as (
    select * from flagged where {keep}
)

select * from final order by net_revenue desc nulls last, customer_id
