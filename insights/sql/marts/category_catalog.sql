-- grain: one row per category named by a catalog row without a product (a category translation, a margin % sheet)
-- A category on several rows or files: each detail from the last row loaded that has it (highest product_row_id).
with category_rows as (
    select * from products where product_id is null and category is not null
),

final as (
    select
        category,
        arg_max(category_name, product_row_id) filter (where category_name is not null)    as category_name,
        arg_max(margin_pct, product_row_id) filter (where margin_pct is not null)          as margin_pct
    from category_rows
    group by category
)

select * from final
