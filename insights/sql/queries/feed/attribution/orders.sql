-- grain: one row: real orders (ids not wholly cancelled) before a period ([$base_start, $start)) and in it
select
    count(*) filter (where order_date < cast($start as date))                  as base_orders,
    count(*) filter (where order_date >= cast($start as date))                 as period_orders
from kpi_order_facts
where is_order and order_date >= cast($base_start as date) and order_date < cast($stop as date)
