-- grain: one row per order line whose product name or category a catalog gives (the line lacks it, or its
-- category has a translation); order_lines itself is never rewritten. Marts and queries read
-- coalesce(lp.product_name, l.product_name) and coalesce(lp.category, l.category) over a left join on line_id.
with lines as (
    select line_id, product_id, product_name, category from order_lines
    where not is_non_product
),

catalog as (
    select * from product_catalog
),

categories as (
    select * from category_catalog where category_name is not null
),

final as (
    select
        l.line_id,
        coalesce(l.product_name, p.name)                            as product_name,
        coalesce(c.category_name, l.category, p.category)           as category
    from lines l
    left join catalog p on p.product_id = l.product_id
    left join categories c on c.category = l.category
    where (l.product_name is null and p.name is not null)
       or (l.category is null and p.category is not null)
       or c.category_name is not null
)

select * from final
