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
    -- spend nets a same-day cancellation booked as its own order id
    select customer_id, order_date, spend from customer_order_days
),

firsts as (
    select customer_id, min(order_date) as first_purchase
    from purchase_days
    group by customer_id
),

calibration as (
    select
        d.customer_id,
        f.first_purchase,
        max(d.order_date)                                                  as last_purchase,
        count(*) - 1                                                       as frequency,
        sum(d.spend) filter (where d.order_date > f.first_purchase)        as repeat_spend,
        sum(d.spend)                                                       as calibration_spend
    from purchase_days d
    join firsts f on f.customer_id = d.customer_id
    where f.first_purchase <= cast($calibration_end as date)
      and d.order_date <= cast($calibration_end as date)
    group by d.customer_id, f.first_purchase
),

holdout as (
    select
        customer_id,
        count(*)      as holdout_purchases,
        sum(spend)    as holdout_spend
    from purchase_days
    where order_date > cast($calibration_end as date)
      and order_date <= cast($holdout_end as date)
    group by customer_id
),

final as (
    select
        c.customer_id,
        c.first_purchase,
        c.last_purchase,
        cast(c.frequency as bigint)                                                       as frequency,
        date_diff('day', c.first_purchase, c.last_purchase) / cast($unit_days as double)  as recency,
        date_diff('day', c.first_purchase, cast($calibration_end as date))
            / cast($unit_days as double)                                                  as "T",
        case when c.frequency > 0 then c.repeat_spend / c.frequency end                   as monetary_value,
        c.calibration_spend,
        cast(coalesce(h.holdout_purchases, 0) as bigint)                                  as holdout_purchases,
        coalesce(h.holdout_spend, 0.0)                                                    as holdout_spend
    from calibration c
    left join holdout h on h.customer_id = c.customer_id
)

select * from final order by customer_id
