-- grain: one row per product category bought by an identified customer, most common first (at most $limit)
select coalesce(lp.category, l.category) as category      -- the catalog's where the line has none
from order_lines l
left join line_products lp using (line_id)
where coalesce(lp.category, l.category) is not null and customer_id is not null
group by 1
order by count(*) desc, 1
limit $limit
