-- grain: one row per product order line, its cost where a catalog says it or the owner's default margin applies
-- The one place the default gross margin ($default_pct, null when the owner set none) meets the lines: a line
-- without a known cost costs revenue × (1 − default %). Composed into the other margin queries as {margin_lines}.
select
    line_id,
    order_id,
    customer_id,
    ordered_at,
    order_date,
    revenue,
    coalesce(cost, case when cast($default_pct as decimal(18,4)) is not null
                        then round(revenue * (100 - cast($default_pct as decimal(18,4))) / 100, 4)::decimal(18,4)
                   end)                                                                  as cost,
    coalesce(basis, case when cast($default_pct as decimal(18,4)) is not null then 'default margin' end) as basis
from line_margin
