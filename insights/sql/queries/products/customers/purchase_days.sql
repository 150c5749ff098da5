-- grain: one row per identified customer and purchase day before $as_of, with that day's net spend
-- The one purchase-gap table (intermediate customer_order_days): several orders on a day are one occasion, a
-- same-day cancellation is deducted.
select customer_id, order_date, spend
from customer_order_days
where order_date < cast($as_of as date)
