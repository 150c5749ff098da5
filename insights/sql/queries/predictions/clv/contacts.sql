-- grain: one row per customer of the customers mart with an order
-- Who a next-order list names: name, e-mail and e-mail consent, orders and net revenue to date.
with customers as (
    select * from customers where customer_id is not null and first_order_at is not null
),

final as (
    select customer_id, name, email, consent_email, orders, cast(net_revenue as double) as net_revenue
    from customers
)

select * from final
