-- grain: one row per product code (product_id) of the loaded catalogs
-- A product on several rows or files: each detail from the last row loaded that has it (highest product_row_id),
-- so a later file's cost or price replaces an earlier one's and a file without costs keeps the earlier cost.
-- category is the name the pages show (the translation of a category row when there is one); margin_pct the
-- product's own gross margin %, category_margin_pct its category's.
with product_rows as (
    select * from products where product_id is not null
),

categories as (
    select * from category_catalog
),

latest as (
    select
        product_id,
        arg_max(name, product_row_id) filter (where name is not null)                   as name,
        arg_max(category, product_row_id) filter (where category is not null)          as source_category,
        arg_max(category_name, product_row_id) filter (where category_name is not null) as own_category_name,
        arg_max(unit_cost, product_row_id) filter (where unit_cost is not null)         as unit_cost,
        arg_max(price, product_row_id) filter (where price is not null)                 as price,
        arg_max(currency, product_row_id) filter (where currency is not null)           as currency,
        arg_max(margin_pct, product_row_id) filter (where margin_pct is not null)       as margin_pct,
        count(*)                                                                        as catalog_rows
    from product_rows
    group by product_id
),

final as (
    select
        l.product_id,
        l.name,
        coalesce(c.category_name, l.own_category_name, l.source_category)               as category,
        l.source_category,
        l.unit_cost,
        l.price,
        l.currency,
        l.margin_pct,
        c.margin_pct                                                                    as category_margin_pct,
        l.catalog_rows
    from latest l
    left join categories c on c.category = l.source_category
)

select * from final
