-- grain: one row per country named on a CRM row or an order line (a phone number typed without its country code is read in each)
select country from customer_records where country is not null
union
select country from order_lines where country is not null
