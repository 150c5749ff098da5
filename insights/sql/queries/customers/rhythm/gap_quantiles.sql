-- grain: one row: how many repeat purchases came before $as_of, and the gap in days at each of $quantiles
-- A gap is the days between a customer's consecutive purchase days (intermediate/customer_order_days).
select
    count(gap_days)                                  as repeat_purchases,
    quantile_cont(gap_days, $quantiles)              as gap_quantiles
from customer_order_days
where order_date < cast($as_of as date)
  and gap_days is not null
