-- grain: one row per order tag of an identified customer's order, most common first (at most $limit)
select a.value as tag
from order_attributes a
join orders o on o.order_id = a.order_id
where a.name = 'tag' and o.customer_id is not null
group by 1
order by count(distinct a.order_id) desc, 1
limit $limit
