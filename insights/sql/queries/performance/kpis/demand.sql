-- grain: one row per weekday x hour of day with at least one order
-- Orders and net revenue by day of week (1 = Monday) x hour of day, real orders only.
select
    isodow(ordered_at)                     as weekday,
    hour(ordered_at)                       as hour,
    count(*)                               as orders,
    sum(net_revenue)                       as net_revenue
from orders
where is_order
  and ($start is null or ordered_at >= $start)
  and ($end is null or ordered_at < $end)
group by 1, 2
order by 1, 2
