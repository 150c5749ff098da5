-- grain: one row for the whole shop: identified customers with a purchase day, and how many bought on one day only
with purchase_days as (
    select customer_id, count(*) as days
    from customer_order_days
    group by customer_id
),

final as (
    select
        count(*)                                   as customers,
        count(*) filter (where days = 1)           as one_time_buyers
    from purchase_days
)

select * from final
