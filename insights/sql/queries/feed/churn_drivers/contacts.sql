-- grain: one row per resolved customer
-- Contact details and e-mail consent, for the list of customers at risk for a churn driver.
select customer_id::varchar as customer_id, name, email, phone, consent_email, orders,
       cast(net_revenue as double) as net_revenue, last_order_at
from customers
