-- grain: a condition on one customer (the segment builder's tag filter): true when any of their orders carries one
-- of the tags bound to ? (lower case, as order_attributes keeps them). {negate} is '' or 'not ', chosen in code.
customer_id {negate}in (
    select o.customer_id from order_attributes a join orders o on o.order_id = a.order_id
    where a.name = 'tag' and o.customer_id is not null and list_contains(?, a.value)
)
