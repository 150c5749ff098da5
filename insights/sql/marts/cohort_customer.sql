-- grain: one row per customer with at least one order
-- A customer's cohort is the period of their first order (an order = an order id not wholly cancelled).
-- Weeks start on Monday (ISO). The split keys are the customer's acquisition channel (CRM channel, else the
-- channel of the first order), first category bought and country, as in the customers mart.
with customers as (
    select * from customers where orders > 0 and customer_id is not null
),

final as (
    select
        customer_id,
        first_order_at,
        last_order_at,
        cast(date_trunc('week', first_order_at) as date)            as cohort_week,
        cast(date_trunc('month', first_order_at) as date)           as cohort_month,
        cast(date_trunc('quarter', first_order_at) as date)         as cohort_quarter,
        coalesce(nullif(trim(channel), ''), '(unknown)')            as channel,
        coalesce(nullif(trim(first_category), ''), '(unknown)')     as first_category,
        coalesce(nullif(trim(country), ''), '(unknown)')            as country,
        orders,
        net_revenue
    from customers
)

select * from final
