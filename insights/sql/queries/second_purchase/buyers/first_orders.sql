-- grain: one row per identified customer with a purchase day before $as_of: their first purchase day, what that
-- first order was like, and the day of their second purchase (null: none yet)
-- * Purchase days come from customer_order_days (the one purchase-gap table): several orders on one day are one
--   purchase occasion, days with only cancellations are not purchase days.
-- * The first order's channel and country: its orders' (the customer's own record when the orders do not say).
-- * late: any of the first day's orders arrived after its promised date or carries a late flag; null when none of
--   them says either way (no delivery dates, no flag).
-- * review_score: the mean 1–5 review/CSAT score of feedback attached to the first day's orders (null: none).
with purchase_days as (
    select customer_id, order_date, spend
    from customer_order_days
    where order_date < cast($as_of as date)
),

ranked as (
    select
        customer_id,
        order_date,
        spend,
        row_number() over (partition by customer_id order by order_date) as nth
    from purchase_days
),

first_day as (
    select customer_id, order_date as first_order_date, spend as first_order_value
    from ranked
    where nth = 1
),

second_day as (
    select customer_id, order_date as second_order_date
    from ranked
    where nth = 2
),

first_day_orders as (
    select o.customer_id, o.order_id, o.channel, o.country, o.late_days, lf.flagged_late
    from orders o
    join first_day f on o.customer_id = f.customer_id and o.order_date = f.first_order_date
    left join order_late_flags lf on lf.order_id = o.order_id
    where o.is_order
),

first_order_facts as (
    select
        customer_id,
        min(channel)                                                           as channel,
        min(country)                                                           as country,
        bool_or(coalesce(late_days > 0, false) or coalesce(flagged_late, false)) as any_late,
        bool_or(late_days is not null or flagged_late is not null)             as delivery_known
    from first_day_orders
    group by customer_id
),

first_reviews as (
    select d.customer_id, avg(fb.score) as review_score
    from first_day_orders d
    join feedback fb on fb.order_id = d.order_id
    where fb.kind in ('review', 'csat') and fb.score is not null
    group by d.customer_id
),

final as (
    select
        f.customer_id,
        c.name,
        c.email,
        c.consent_email,
        f.first_order_date,
        cast(f.first_order_value as double)                                    as first_order_value,
        coalesce(ff.channel, c.channel)                                        as channel,
        coalesce(ff.country, c.country)                                        as country,
        c.first_category,
        case when ff.delivery_known then ff.any_late end                       as late,
        r.review_score,
        s.second_order_date,
        date_diff('day', f.first_order_date, s.second_order_date)              as days_to_second
    from first_day f
    left join second_day s using (customer_id)
    left join first_order_facts ff using (customer_id)
    left join first_reviews r using (customer_id)
    left join customers c using (customer_id)
)

select * from final
order by customer_id
