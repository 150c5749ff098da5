-- grain: one row per distinct value of one customers-mart column, most common first (at most $limit)
-- {column} is one of country, city, channel, first_category, quoted by quote_ident in code.
select {column}
from customers
where {column} is not null
group by 1
order by count(*) desc, 1
limit $limit
