-- grain: one row per order id of the customer
-- The customer's order ids (wholly cancelled ones included, flagged), newest first, with their categories.
with orders as (
    select * from orders where customer_id = $customer_id
),

categories as (
    select order_id, string_agg(distinct category, ', ' order by category) as categories
    from (select l.order_id, l.customer_id, l.is_non_product,
                 coalesce(lp.category, l.category) as category      -- the catalog's where it has none
          from order_lines l left join line_products lp using (line_id))
    where customer_id = $customer_id and category is not null and not is_non_product
    group by order_id
),

final as (
    select
        o.order_id, o.ordered_at, cast(o.net_revenue as double) as net_revenue, o.items, o.is_order,
        o.has_return, o.channel, o.late_days, c.categories
    from orders o
    left join categories c on c.order_id = o.order_id
)

select * from final order by ordered_at desc, order_id
