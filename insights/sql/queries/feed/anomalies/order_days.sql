-- grain: one row: the first and last order day of the workspace (nulls without orders)
select min(order_date) as first_day, max(order_date) as last_day
from kpi_order_facts
