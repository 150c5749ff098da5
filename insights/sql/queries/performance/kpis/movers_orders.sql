-- grain: one row per value of the chosen order attribute with revenue in either range
-- Net revenue by one order attribute (the column is chosen from a fixed list and quoted in Python, where it
-- replaces the {dimension} marker) in two date ranges [$a_start, $a_end) and [$b_start, $b_end).
select
    coalesce(nullif(trim(cast({dimension} as varchar)), ''), '(unknown)')                  as value,
    coalesce(sum(net_revenue) filter (where ordered_at >= $a_start and ordered_at < $a_end), 0) as revenue_a,
    coalesce(sum(net_revenue) filter (where ordered_at >= $b_start and ordered_at < $b_end), 0) as revenue_b
from kpi_order_facts
where (ordered_at >= $a_start and ordered_at < $a_end) or (ordered_at >= $b_start and ordered_at < $b_end)
group by 1
