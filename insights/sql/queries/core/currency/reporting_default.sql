-- grain: one row: the currency most order lines are in (a line without one is in the currency the owner stated);
-- no row when no line says and the owner stated none. Lines, not amounts, decide: amounts in different
-- currencies cannot be compared before they are converted (1,000 JPY is less than 10 EUR).
select currency
from (
    select coalesce(currency, $stated) as currency, count(*) as lines, sum(source_revenue) as amount
    from order_lines
    group by 1
) by_currency
where currency is not null
order by lines desc, amount desc, currency
limit 1
