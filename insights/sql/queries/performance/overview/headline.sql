-- grain: one row (the workspace's headline figures)
select
    (select count(*) from customers where orders > 0),
    (select count(*) from orders where is_order),
    (select coalesce(sum(revenue), 0) from order_lines),
    (select min(ordered_at) from order_lines),
    (select max(ordered_at) from order_lines)
