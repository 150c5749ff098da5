-- grain: one row per resolved customer in the CRM with no order line (before $as_of): their id as the CRM spells it
-- These customers have no history to recommend from: they get the shop's best openers.
select customer_id, arg_min(source_customer_id, source_row) as source_customer_id
from customer_records
where customer_id is not null
  and customer_id not in (
      select customer_id from order_lines where customer_id is not null and ordered_at < $as_of
  )
group by customer_id
