-- grain: one row (the first and the last order day of the workspace)
select min(order_date), max(order_date) from kpi_order_facts
