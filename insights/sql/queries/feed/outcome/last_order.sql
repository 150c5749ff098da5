-- grain: one row: when the last order of the data was placed
select max(ordered_at) as last from orders
