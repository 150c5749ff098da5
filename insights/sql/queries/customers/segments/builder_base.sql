-- grain: one row per customer of the customers mart (those matching the filters, or all of them flagged)
-- One row per customer (customers mart) with their RFM segment, lifecycle stage and recency, for the segment
-- builder. _builder_labels is a frame registered by insights.segment_builder (customer_id, rfm_segment,
-- lifecycle_stage, recency_days). {where} is replaced by conditions built only from a fixed field list
-- (names quoted by quote_ident), fixed operators and ? placeholders; values are always bound. {keep} is
-- `in_segment` (the segment only) or `true` (everyone, flagged), chosen in code.
with customers as (
    select * from customers
),

labels as (
    select * from _builder_labels
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
        l.recency_days
    from customers c
    left join labels l on l.customer_id = c.customer_id
),

flagged as (
    select *, coalesce(({where}), false) as in_segment from base
),

final as (
    select * from flagged where {keep}
)

select * from final order by net_revenue desc nulls last, customer_id
