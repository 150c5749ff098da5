-- grain: one row per identified customer with an order before $as_of: their lifecycle stage on $as_of.
-- Rules, first match wins ($active_days and $lapsed_days come from the shop's own purchase gaps):
--   new          first order within the last $active_days days
--   reactivated  last order within the last $active_days days, after a gap longer than $lapsed_days
--   active       last order within the last $active_days days
--   at risk      last order more than $active_days but at most $lapsed_days days ago
--   lapsed       last order more than $lapsed_days days ago
with gaps as (
    select customer_id, order_date, gap_days as gap_before
    from customer_order_days
    where order_date < cast($as_of as date)
),

per_customer as (
    select
        customer_id,
        min(order_date)                                  as first_order_date,
        max(order_date)                                  as last_order_date,
        arg_max(gap_before, order_date)                  as gap_before_last,
        count(*)                                         as order_days
    from gaps
    group by customer_id
),

measured as (
    select
        *,
        date_diff('day', last_order_date, cast($as_of as date))  as days_since_last,
        date_diff('day', first_order_date, cast($as_of as date)) as days_since_first
    from per_customer
),

final as (
    select
        customer_id,
        first_order_date,
        last_order_date,
        order_days,
        gap_before_last,
        days_since_last,
        case
            when days_since_first <= $active_days                                   then 'new'
            when days_since_last <= $active_days and gap_before_last > $lapsed_days then 'reactivated'
            when days_since_last <= $active_days                                    then 'active'
            when days_since_last <= $lapsed_days                                    then 'at risk'
            else 'lapsed'
        end as stage
    from measured
)

select * from final order by customer_id
