-- grain: one row per identifier (kind, value) of the customers $ids: every e-mail, phone, id and name they carry
with ids as (select unnest($ids::varchar[]) as customer_id)
select distinct kind, value from (
    select 'customer_id' as kind, customer_id as value from ids
    union all select 'customer_id', source_customer_id from order_lines where customer_id in (from ids)
    union all select 'email', lower(email) from order_lines where customer_id in (from ids)
    union all select 'phone', phone from order_lines where customer_id in (from ids)
    union all select 'customer_id', source_customer_id from customer_records where customer_id in (from ids)
    union all select 'email', lower(email) from customer_records where customer_id in (from ids)
    union all select 'phone', phone from customer_records where customer_id in (from ids)
    union all select 'name', name from customer_records where customer_id in (from ids)
    union all select 'customer_id', source_customer_id from events where customer_id in (from ids)
    union all select 'email', lower(email) from events where customer_id in (from ids)
    union all select 'customer_id', source_customer_id from feedback where customer_id in (from ids)
    union all select 'email', lower(email) from feedback where customer_id in (from ids)
    union all select case key_kind when 'email' then 'email' when 'phone' then 'phone' else 'customer_id' end,
                     merged_key from identity_merges where customer_id in (from ids)
)
where value is not null and trim(value) <> ''
