-- grain: one row per customer of the customers mart
-- Normalised search columns for the profile's customer search: lower-case id, name (accents removed) and
-- email, and the phone's digits only. Built once per upload so a search is one scan of short strings.
with customers as (
    select * from customers
),

final as (
    select
        customer_id,
        lower(customer_id)                                              as search_id,
        lower(strip_accents(coalesce(name, '')))                        as search_name,
        lower(coalesce(email, ''))                                      as search_email,
        regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')          as search_phone
    from customers
)

select * from final
