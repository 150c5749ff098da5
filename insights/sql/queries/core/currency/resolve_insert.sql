-- grain: one row per currency (as the order lines and the catalogs' unit costs write it; '' for none) and month
-- of the order lines: the rate to the reporting currency — 1 for the reporting currency itself (and for
-- everything when nothing names a currency), else the month's own rate, else the currency's rate for every
-- month, else null (no rate: such amounts are left out of money totals, and said).
-- Parameters: $reporting (the reporting currency), $stated (the currency the owner said unlabelled amounts are in).
insert into reporting_rates
with written as (
    select distinct coalesce(currency, '') as currency from order_lines
    union
    select distinct coalesce(upper(currency), '') from products where unit_cost is not null
),

-- every month from the first line's to the last's (min and max read in one pass, not a distinct over every line)
span as (
    select cast(date_trunc('month', min(ordered_at)) as date) as first_month,
           cast(date_trunc('month', max(ordered_at)) as date) as last_month
    from order_lines
),

months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month
    from span
    where first_month is not null
),

wanted as (
    select w.currency, coalesce(nullif(w.currency, ''), $stated, $reporting) as effective, m.month
    from written w cross join months m
),

final as (
    select
        w.currency,
        w.month,
        cast(case when $reporting is null or w.effective = $reporting then 1
                  else coalesce(by_month.rate, every_month.rate) end as decimal(18,8))        as rate
    from wanted w
    left join currency_rates by_month on by_month.currency = w.effective and by_month.month = w.month
    left join currency_rates every_month on every_month.currency = w.effective and every_month.month is null
)

select * from final
