-- grain: one row per survey answer or review of the customer
-- The customer's survey answers and reviews, newest first.
select submitted_at, kind, score, text, order_id
from feedback
where customer_id = $customer_id
order by submitted_at desc nulls last
