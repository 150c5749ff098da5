-- grain: one row per identified customer with at least two real orders
-- What the overdue list shows and ranks by: contact details, consent, orders, net revenue and order value.
select customer_id, name, email, phone, consent_email, orders, cast(net_revenue as double) as net_revenue,
       cast(aov as double) as aov, last_order_at
from customers
where orders >= 2
