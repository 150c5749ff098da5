-- grain: one row per basis of a line's cost (unit cost, product margin, category margin, default margin, none)
-- Lines and product revenue per basis over [$start, $end) (the whole history when both are null).
with margin_lines as ({margin_lines}),

final as (
    select
        coalesce(basis, 'none')                                         as basis,
        count(*)                                                        as lines,
        coalesce(sum(revenue), 0)                                       as product_revenue,
        sum(revenue - cost)                                             as gross_margin
    from margin_lines
    where ($start is null or order_date >= $start) and ($end is null or order_date < $end)
    group by 1
)

select * from final order by product_revenue desc, basis
