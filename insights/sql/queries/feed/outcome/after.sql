-- grain: one row per customer of one insight's exported list: their orders and net revenue in [$since, $stop)
select
    h.customer_id,
    h.held_back,
    count(distinct o.order_id) filter (where o.is_order)     as orders,
    coalesce(cast(sum(o.net_revenue) as double), 0)          as revenue
from insight_holdouts h
left join orders o
    on o.customer_id = h.customer_id
   and o.ordered_at >= cast($since as timestamp) and o.ordered_at < cast($stop as timestamp)
where h.insight_id = $insight_id
group by h.customer_id, h.held_back
