-- grain: one row per product: the average net revenue of its paid lines before $as_of
-- Product lines only; a paid line is a sale (quantity and price above zero), not a cancellation or a return.
select product_id, avg(cast(revenue as double)) as line_value
from order_lines
where not is_non_product
  and not is_cancellation
  and not is_return
  and product_id is not null
  and quantity > 0
  and unit_price > 0
  and ordered_at < $as_of
group by product_id
