-- grain: one row per week of the holdout period that holds at least one repeat purchase day
-- Purchase days after $calibration_end up to $holdout_end, of customers whose first purchase day is on or
-- before $calibration_end (the customers the backtest predicts for), counted by holdout week
-- (week 1 = the 7 days after $calibration_end).
with purchase_days as (
    -- the shop's purchase days: several orders of a customer on one day are one purchase
    select customer_id, order_date, spend from customer_order_days
),

known as (
    select customer_id
    from purchase_days
    group by customer_id
    having min(order_date) <= cast($calibration_end as date)
),

final as (
    select
        cast(floor((date_diff('day', cast($calibration_end as date), d.order_date) - 1) / 7) as integer) + 1 as week,
        count(*)                                                                                          as purchases
    from purchase_days d
    join known k on k.customer_id = d.customer_id
    where d.order_date > cast($calibration_end as date)
      and d.order_date <= cast($holdout_end as date)
    group by week
)

select * from final
