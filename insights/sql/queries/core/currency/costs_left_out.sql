-- grain: one row per currency of the catalogs' unit costs that has no rate to the reporting currency in the
-- months of the product lines that would use it: those lines' cost is not known (line_margin falls back to a
-- margin %, else none), and said. Parameters: $reporting, $stated.
select
    coalesce(upper(p.currency), $stated, $reporting)                        as currency,
    count(distinct p.product_id)                                            as products,
    count(*)                                                                as lines
from order_lines l
join product_catalog p on p.product_id = l.product_id
join reporting_rates r on r.currency = coalesce(upper(p.currency), '')
                      and r.month = cast(date_trunc('month', l.ordered_at) as date)
where not l.is_non_product and p.unit_cost is not null and r.rate is null
group by 1
order by 1
