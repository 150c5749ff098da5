-- grain: one row per period (its first day: ISO week's Monday, month's or quarter's first day) and currency whose
-- order lines have no rate to the reporting currency: left out of that period's money totals.
-- Parameters: $period ('week', 'month' or 'quarter'), $reporting, $stated.
select
    cast(date_trunc($period, ordered_at) as date)                 as period,
    coalesce(currency, $stated, $reporting)                       as currency,
    count(*)                                                      as lines,
    coalesce(sum(source_revenue), 0)                              as amount
from order_lines
where rate is null
group by all
order by 1, 2
