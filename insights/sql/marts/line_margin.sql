-- grain: one row per product order line (postage and fees left out)
-- What a line cost, where the catalogs say: its product's unit cost (in the reporting currency, as the line's
-- revenue is: reporting_rates) × quantity, else revenue × (1 − margin %) of the product, else of its category (a
-- category row of a catalog, matched by the line's category as shown or as written). cost and basis are null
-- when nothing is known; the owner's default margin is applied when read (queries/core/margin/margin_lines.sql),
-- so changing it rebuilds nothing. Cancellations and returns carry negative revenue and so negative cost.
with lines as (
    select l.line_id, l.order_id, l.customer_id, l.ordered_at, l.product_id, l.category, l.quantity, l.revenue,
           l.rate as line_rate, coalesce(lp.category, l.category) as shown_category
    from order_lines l
    left join line_products lp using (line_id)
    where not l.is_non_product
),

catalog as (
    select * from product_catalog
),

category_margins as (
    select category, margin_pct from category_catalog where margin_pct is not null
),

known as (
    select
        n.*,
        -- the unit cost in the reporting currency, as the line's revenue is (core/currency.py): the rate of the
        -- cost's currency in the line's month; without a rate the cost is not known (and said), nor is it for
        -- a line left out of money totals (its own currency has no rate)
        case when n.line_rate is not null
             then cast(round(p.unit_cost * r.rate, 4) as decimal(18,4)) end           as unit_cost,
        p.margin_pct                                                                  as product_margin_pct,
        coalesce(shown.margin_pct, written.margin_pct, p.category_margin_pct)         as category_margin_pct
    from lines n
    left join catalog p on p.product_id = n.product_id
    left join reporting_rates r on r.currency = coalesce(upper(p.currency), '')
                               and r.month = cast(date_trunc('month', n.ordered_at) as date)
    left join category_margins shown on shown.category = n.shown_category
    left join category_margins written on written.category = coalesce(n.category, p.source_category)
),

final as (
    select
        line_id,
        order_id,
        customer_id,
        ordered_at,
        cast(ordered_at as date)                                                      as order_date,
        revenue,
        case when unit_cost is not null then round(quantity * unit_cost, 4)
             when product_margin_pct is not null then round(revenue * (100 - product_margin_pct) / 100, 4)
             when category_margin_pct is not null then round(revenue * (100 - category_margin_pct) / 100, 4)
        end::decimal(18,4)                                                            as cost,
        case when unit_cost is not null then 'unit cost'
             when product_margin_pct is not null then 'product margin'
             when category_margin_pct is not null then 'category margin'
        end                                                                           as basis
    from known
)

select * from final
