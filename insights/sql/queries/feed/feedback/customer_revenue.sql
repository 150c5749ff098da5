-- grain: one row per customer among $customers with orders in [$start, $stop)
-- Their net revenue in that window (cancellations and returns netted).
select customer_id, cast(sum(net_revenue) as double) as revenue
from orders
where customer_id in (select unnest(cast($customers as varchar[])))
  and order_date >= cast($start as date) and order_date < cast($stop as date)
group by customer_id
