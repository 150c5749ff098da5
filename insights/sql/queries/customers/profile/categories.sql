-- grain: one row per category the customer bought
-- The customer's categories by net revenue (cancellations and returns netted), with items and orders.
select
    category,
    count(distinct order_id)                                                     as orders,
    coalesce(sum(quantity) filter (where not is_cancellation and not is_return), 0) as items,
    cast(sum(revenue) as double)                                                 as net_revenue
from (select l.order_id, l.customer_id, l.quantity, l.revenue, l.is_cancellation, l.is_return, l.is_non_product,
             coalesce(lp.category, l.category) as category      -- the catalog's where it has none
      from order_lines l left join line_products lp using (line_id))
where customer_id = $customer_id and category is not null and not is_non_product
group by category
order by net_revenue desc, category
