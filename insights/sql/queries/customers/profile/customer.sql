-- grain: one row (the customer), or none
-- One customer's row of the customers mart.
select * from customers where customer_id = $customer_id
