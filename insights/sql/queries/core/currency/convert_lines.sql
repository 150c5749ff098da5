-- grain: no rows (an update of order_lines): each line's revenue in the reporting currency, from its own amount
-- (source_revenue) × the rate of its currency in its month (reporting_rates, resolved just before). A line in
-- the reporting currency (or without a currency) has rate 1 and keeps its amount to the cent; a line whose
-- currency has no rate gets rate null and revenue 0: it is left out of every money total and said
-- (queries/core/currency/summary.sql). Only lines whose figures change are written.
update order_lines
set rate = r.rate,
    revenue = coalesce(round(order_lines.source_revenue * r.rate, 4), 0)
from reporting_rates r
where r.currency = coalesce(order_lines.currency, '')
  and r.month = cast(date_trunc('month', order_lines.ordered_at) as date)
  and (order_lines.rate is distinct from r.rate
       or order_lines.revenue <> coalesce(round(order_lines.source_revenue * r.rate, 4), 0))
