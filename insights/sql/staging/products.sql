-- grain: one row per loaded catalog row (a kept row of one file: a product, or a category without a product)
-- staging: a product catalog of one file (the view _incoming) -> canonical products columns. The row rules
-- (variants, parents, category paths, costs) were applied while staging (insights/ingest/load/catalog.py).
-- Parameters: $file_id, $first_line_id
with incoming as (
    select * from _incoming where _keep
),

final as (
    select
        $first_line_id + _idx                           as product_row_id,
        $file_id                                        as source_file,
        _row                                            as source_row,
        f_product_id                                    as product_id,
        f_product_name                                  as name,
        f_category                                      as category,
        f_category_name                                 as category_name,
        f_unit_cost                                     as unit_cost,
        f_unit_price                                    as price,
        upper(f_currency)                               as currency,
        f_margin_pct                                    as margin_pct,
        _hash                                           as row_hash
    from incoming
)

select * from final
