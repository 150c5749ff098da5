-- grain: one row per customer (from the customers mart)
-- What the watchlist shows and filters on beside the scores: who, how to reach them, where they came from.
with customers as (
    select * from customers
),

final as (
    select customer_id, name, email, consent_email, channel, country
    from customers
)

select * from final
