-- grain: one row per product category bought by an identified customer, most common first (at most $limit)
select category
from order_lines
where category is not null and customer_id is not null
group by 1
order by count(*) desc, 1
limit $limit
