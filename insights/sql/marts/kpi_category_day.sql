-- grain: one row per order date x category
-- Net revenue by product category per day, for the "largest movers" of the revenue bridge: the bridge
-- compares two periods without scanning the order lines. Lines without a category, and non-product lines
-- (postage, fees), are grouped under the category '(none)'.
with lines as (
    -- a line's category is its own, or the catalog's where it has none (line_products)
    select l.ordered_at, l.is_non_product, l.revenue, coalesce(lp.category, l.category) as category
    from order_lines l
    left join line_products lp using (line_id)
),

final as (
    select
        cast(ordered_at as date)                                            as order_date,
        case when is_non_product or category is null or trim(category) = ''
             then '(none)' else category end                                as category,
        sum(revenue)                                                        as net_revenue,
        count(*)                                                            as lines
    from lines
    group by all
)

select * from final
