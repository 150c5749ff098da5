-- grain: one row per identified customer and calendar month with orders
-- net revenue per customer and month (cancellations' negative revenue included), for cohort payback and ROAS
select customer_id, date_trunc('month', ordered_at)::date as month, sum(net_revenue) as revenue
from orders
where customer_id is not null and ordered_at is not null
group by all
order by customer_id, month
