-- grain: one row per order and product that the customer kept (net quantity above zero), before $as_of
-- Names: the latest name and category a product was sold under on a paid line (a zero-price note such as "returned" is no name). No order: callers sort what they need.
-- Product lines only (postage, fees, discounts and manual adjustments are left out). Cancellations and returns
-- are netted twice: within the order (a return on the sale's own order id) and per customer and product (a
-- cancellation filed under an order id of its own, as in the UCI Online Retail export). Guests are netted
-- within the order only. $as_of is exclusive: no line on or after it is read.
with product_lines as (
    -- a line's name and category are its own, or the catalog's where it has none (line_products)
    select order_id, customer_id, source_customer_id, ordered_at, product_id,
           coalesce(lp.product_name, l.product_name) as product_name, coalesce(lp.category, l.category) as category,
           quantity, unit_price
    from order_lines l
    left join line_products lp using (line_id)
    where not is_non_product
      and product_id is not null
      and order_id is not null
      and ordered_at < $as_of
),

per_order as (
    select
        order_id,
        product_id,
        any_value(customer_id)                                               as customer_id,
        min(ordered_at) filter (where quantity > 0)                          as ordered_at,
        sum(quantity)                                                        as net_quantity
    from product_lines
    group by order_id, product_id
),

per_customer as (
    select customer_id, product_id, sum(quantity) as customer_net_quantity
    from product_lines
    where customer_id is not null
    group by customer_id, product_id
),

names as (
    select
        product_id,
        coalesce(arg_max(product_name, ordered_at) filter (where quantity > 0 and unit_price > 0),
                 arg_max(product_name, ordered_at))                                     as product_name,
        coalesce(arg_max(category, ordered_at) filter (where quantity > 0 and unit_price > 0),
                 arg_max(category, ordered_at))                                         as category
    from product_lines
    group by product_id
),

source_ids as (
    select customer_id, arg_min(source_customer_id, ordered_at) as source_customer_id
    from product_lines
    where customer_id is not null
    group by customer_id
),

final as (
    select
        o.order_id,
        o.customer_id,
        s.source_customer_id,
        o.ordered_at,
        o.product_id,
        n.product_name,
        n.category
    from per_order o
    join names n using (product_id)
    left join per_customer c on c.customer_id = o.customer_id and c.product_id = o.product_id
    left join source_ids s on s.customer_id = o.customer_id
    where o.net_quantity > 0
      and o.ordered_at is not null
      and (o.customer_id is null or c.customer_net_quantity > 0)
)

select * from final
