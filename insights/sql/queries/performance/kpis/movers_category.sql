-- grain: one row per product category with revenue in either range
-- Net revenue by product category in two date ranges [$a_start, $a_end) and [$b_start, $b_end).
select
    category                                                                                    as value,
    coalesce(sum(net_revenue) filter (where order_date >= $a_start and order_date < $a_end), 0) as revenue_a,
    coalesce(sum(net_revenue) filter (where order_date >= $b_start and order_date < $b_end), 0) as revenue_b
from kpi_category_day
where (order_date >= $a_start and order_date < $a_end) or (order_date >= $b_start and order_date < $b_end)
group by 1
