-- grain: one row per identified customer with a product line
-- Product revenue, the part of it whose cost is known (costed_revenue), gross margin over that part and its
-- share of it (margin_share; null when no line of the customer is costed). $customer_id: one customer, or null
-- for all.
with margin_lines as ({margin_lines}),

final as (
    select
        customer_id,
        sum(revenue)                                                    as product_revenue,
        coalesce(sum(revenue) filter (where cost is not null), 0)       as costed_revenue,
        sum(revenue - cost)                                             as gross_margin,
        sum(revenue - cost) / nullif(sum(revenue) filter (where cost is not null), 0) as margin_share
    from margin_lines
    where customer_id is not null and ($customer_id is null or customer_id = $customer_id)
    group by customer_id
)

select * from final order by customer_id
