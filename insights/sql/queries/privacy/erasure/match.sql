-- grain: one row per resolved customer id carrying one of the given identifiers ($email lower case, $phone E.164, $customer_id)
select distinct customer_id from (
    select customer_id from order_lines
    where lower(email) = $email or phone = $phone or customer_id = $customer_id or source_customer_id = $customer_id
    union all
    select customer_id from customer_records
    where lower(email) = $email or phone = $phone or customer_id = $customer_id or source_customer_id = $customer_id
    union all
    select customer_id from events
    where lower(email) = $email or customer_id = $customer_id or source_customer_id = $customer_id
    union all
    select customer_id from feedback
    where lower(email) = $email or customer_id = $customer_id or source_customer_id = $customer_id
    union all
    select customer_id from identity_merges where merged_key in ($email, $phone, $customer_id)
)
where customer_id is not null
