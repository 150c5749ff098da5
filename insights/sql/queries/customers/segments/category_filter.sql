-- grain: a condition on one customer (the segment builder's category filter): true when they bought any of the
-- categories bound to ? (cancellations aside). {negate} is '' or 'not ', chosen in code.
customer_id {negate}in (
    select customer_id from order_lines l left join line_products lp using (line_id)
    where customer_id is not null and not is_cancellation and list_contains(?, coalesce(lp.category, l.category))
)
