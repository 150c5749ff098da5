-- grain: one row per CRM record of the customer $customer_id that says something of consent, newest upload first
with said as (
    select f.name as file, f.loaded_at, r.source_row as row, r.consent_email, r.consent_sms
    from customer_records r left join files f on f.file_id = r.source_file
    where r.customer_id = $customer_id and (r.consent_email is not null or r.consent_sms is not null)
)
select *,
       consent_email is not null and loaded_at is not distinct from
           max(loaded_at) filter (where consent_email is not null) over () as email_in_effect,
       consent_sms is not null and loaded_at is not distinct from
           max(loaded_at) filter (where consent_sms is not null) over ()   as sms_in_effect
from said
order by loaded_at desc nulls last, file, row
