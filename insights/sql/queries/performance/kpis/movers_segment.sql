-- grain: one row per customer segment (and '(none)') with revenue in either range
-- Net revenue by customer segment in two date ranges; {table} is a table holding customer_id and segment,
-- found in this workspace's schema and quoted in Python. Guests and unscored customers are '(none)'.
select
    coalesce(cast(s.segment as varchar), '(none)')                                                  as value,
    coalesce(sum(f.net_revenue) filter (where f.ordered_at >= $a_start and f.ordered_at < $a_end), 0) as revenue_a,
    coalesce(sum(f.net_revenue) filter (where f.ordered_at >= $b_start and f.ordered_at < $b_end), 0) as revenue_b
from kpi_order_facts f
left join (select customer_id, any_value(segment) as segment from {table} group by customer_id) s
       on s.customer_id = f.customer_id
where (f.ordered_at >= $a_start and f.ordered_at < $a_end) or (f.ordered_at >= $b_start and f.ordered_at < $b_end)
group by 1
