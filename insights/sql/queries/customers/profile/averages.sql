-- grain: one row: the median customer with at least one order
-- The median customer with at least one order (for "what sets them apart").
select
    count(*)                                                             as customers,
    median(orders)                                                       as orders,
    median(cast(net_revenue as double))                                  as net_revenue,
    median(cast(aov as double))                                          as aov
from customers
where orders > 0
