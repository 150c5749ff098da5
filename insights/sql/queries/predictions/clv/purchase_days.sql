-- grain: one row per customer and purchase day
-- The CLV models' purchase days are the shop's purchase days (intermediate/customer_order_days): several orders
-- on the same day count as ONE purchase (as in Fader, Hardie & Lee's CDNOW analysis), and the day's spend nets
-- a same-day cancellation booked as its own order id.
select customer_id, order_date, spend
from customer_order_days
