-- One customer's row of the customers mart.
select * from customers where customer_id = $customer_id
