-- grain: one row per order id with a product line
-- Product revenue, costed revenue and gross margin per order (null gross margin: no line's cost is known).
with margin_lines as ({margin_lines}),

final as (
    select
        order_id,
        min(customer_id)                                                as customer_id,
        sum(revenue)                                                    as product_revenue,
        coalesce(sum(revenue) filter (where cost is not null), 0)       as costed_revenue,
        sum(revenue - cost)                                             as gross_margin
    from margin_lines
    group by order_id
)

select * from final order by order_id
