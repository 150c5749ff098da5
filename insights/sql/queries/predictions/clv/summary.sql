-- grain: one row per customer whose first purchase day is on or before $calibration_end
-- The per-customer summary the BG/NBD and Gamma-Gamma models read (parameters: $calibration_end DATE,
-- $holdout_end DATE (= $calibration_end for no holdout), $unit_days DOUBLE, e.g. 7 for weeks):
--   frequency       repeat purchase days in the calibration period (first purchase day excluded)
--   recency         time from the first to the last calibration purchase day, in units of $unit_days
--   T               time from the first purchase day to $calibration_end, in units of $unit_days
--   monetary_value  mean spend of the repeat purchase days in calibration (null for one-time buyers)
--   holdout_purchases / holdout_spend   purchase days and spend after $calibration_end up to $holdout_end
with purchase_days as (
    -- the CLV models' purchase days are the shop's purchase days (intermediate/customer_order_days): several
    -- orders on the same day count as ONE purchase (as in Fader, Hardie & Lee's CDNOW analysis), and the day's
    -- spend nets a same-day cancellation booked as its own order id; a customer's first purchase day is the one
    -- without a gap before it
    select customer_id, order_date, spend, gap_days is null as is_first from customer_order_days
),

per_customer as (
    -- one pass over the purchase days: calibration and holdout side by side
    select
        customer_id,
        min(order_date)                                                             as first_purchase,
        max(order_date) filter (where order_date <= cast($calibration_end as date))  as last_purchase,
        count(*) filter (where order_date <= cast($calibration_end as date)) - 1     as frequency,
        sum(spend) filter (where order_date <= cast($calibration_end as date) and not is_first) as repeat_spend,
        sum(spend) filter (where order_date <= cast($calibration_end as date))       as calibration_spend,
        count(*) filter (where order_date > cast($calibration_end as date)
                           and order_date <= cast($holdout_end as date))             as holdout_purchases,
        sum(spend) filter (where order_date > cast($calibration_end as date)
                             and order_date <= cast($holdout_end as date))           as holdout_spend
    from purchase_days
    group by customer_id
    having min(order_date) <= cast($calibration_end as date)
),

final as (
    select
        customer_id,
        first_purchase,
        last_purchase,
        cast(frequency as bigint)                                                         as frequency,
        date_diff('day', first_purchase, last_purchase) / cast($unit_days as double)      as recency,
        date_diff('day', first_purchase, cast($calibration_end as date))
            / cast($unit_days as double)                                                  as "T",
        case when frequency > 0 then repeat_spend / frequency end                         as monetary_value,
        calibration_spend,
        cast(holdout_purchases as bigint)                                                 as holdout_purchases,
        coalesce(holdout_spend, 0.0)                                                      as holdout_spend
    from per_customer
)

select * from final order by customer_id
