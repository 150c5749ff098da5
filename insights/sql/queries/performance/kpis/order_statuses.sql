-- grain: one row per distinct order-line status (lower case)
select distinct lower(status) from order_lines where status is not null order by 1
