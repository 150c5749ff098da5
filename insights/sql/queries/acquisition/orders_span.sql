-- grain: one row for the workspace
-- the months the orders cover and their main currency (the one most orders are in)
select date_trunc('month', min(ordered_at))::date as first_month,
       date_trunc('month', max(ordered_at))::date as last_month,
       mode(upper(currency)) filter (where currency is not null) as currency
from orders
where is_order
