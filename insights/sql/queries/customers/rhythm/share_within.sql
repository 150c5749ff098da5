-- grain: one row: the share of repeat purchases before $as_of that came within $days of the customer's
-- previous purchase day (what a hand-set window means in this shop's terms); null without repeat purchases
select avg(case when gap_days <= $days then 1.0 else 0.0 end) as share_within
from customer_order_days
where order_date < cast($as_of as date)
  and gap_days is not null
