-- grain: one row for the whole workspace
-- last_ordered_at: the last order of any kind (guests included); last_customer_order_date: the last order day
-- of an identified customer. Cancelled-only order ids are not orders (is_order).
select
    max(ordered_at) filter (where is_order) as last_ordered_at,
    max(order_date) filter (where is_order and customer_id is not null) as last_customer_order_date
from orders
