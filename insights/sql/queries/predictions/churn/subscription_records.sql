-- grain: one row per customer in the customers file (customer_records merged by customer_id)
-- Outcome columns (label_*) and the raw material for subscription churn features. $statuses is the packaged
-- list of cancelled-like status words. Tenure runs from sign-up to cancellation, or to the latest date in
-- the file for customers still active.
with records as (
    select * from customer_records where customer_id is not null
),

file_end as (
    select greatest(max(signed_up_at), max(cancelled_at)) as ended_at from records
),

per_customer as (
    select
        customer_id,
        bool_or(churned)                                                    as label_churned,
        bool_or(list_contains($statuses, lower(trim(status))))              as label_status,
        bool_or(cancelled_at is not null)                                   as label_cancelled,
        arg_min(country, source_row) filter (where country is not null)     as country,
        arg_min(channel, source_row) filter (where channel is not null)     as channel,
        min(signed_up_at)                                                   as signed_up_at,
        max(cancelled_at)                                                   as cancelled_at,
        cast(arg_min(attributes, source_row) as varchar)                    as attributes
    from records
    group by customer_id
),

final as (
    select
        pc.customer_id,
        pc.label_churned,
        pc.label_status,
        pc.label_cancelled,
        pc.country,
        pc.channel,
        date_diff('day', pc.signed_up_at, coalesce(pc.cancelled_at, fe.ended_at)) as tenure_days,
        pc.attributes
    from per_customer pc
    cross join file_end fe
)

select * from final order by customer_id
