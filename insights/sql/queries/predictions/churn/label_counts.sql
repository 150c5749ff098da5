-- grain: one row (the whole customers file)
-- How many customer rows carry each kind of churn outcome: a churned label, a cancelled-like status ($statuses,
-- the packaged list of such words), a cancellation date; and how many rows have a customer at all.
with records as (
    select * from customer_records where customer_id is not null
),

final as (
    select
        count(*) filter (where churned is not null)                         as labelled,
        count(*) filter (where list_contains($statuses, lower(trim(status)))) as with_status,
        count(*) filter (where cancelled_at is not null)                    as cancelled,
        count(*)                                                            as total
    from records
)

select * from final
