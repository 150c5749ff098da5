-- grain: one row per currency of the order lines (a line without one is in the currency the owner stated, else
-- in the reporting currency): its lines, orders and amount in its own currency, what of it reaches the money
-- totals in the reporting currency, and what is left out for want of a rate.
-- Parameters: $reporting, $stated.
select
    coalesce(currency, $stated, $reporting)                                  as currency,
    count(*)                                                                 as lines,
    count(distinct order_id)                                                 as orders,
    coalesce(sum(source_revenue), 0)                                         as amount,
    coalesce(sum(revenue) filter (where rate is not null), 0)                as reported,
    count(*) filter (where rate is null)                                     as left_out_lines,
    count(distinct order_id) filter (where rate is null)                     as left_out_orders,
    coalesce(sum(source_revenue) filter (where rate is null), 0)             as left_out_amount,
    min(rate)                                                                as min_rate,
    max(rate)                                                                as max_rate
from order_lines
group by 1
order by lines desc, 1 nulls last
