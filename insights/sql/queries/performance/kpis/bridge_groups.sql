-- grain: one row per customer group (new, returning, other) with orders or revenue in the range
-- Revenue of one date range [$start, $end) split into new customers (first order inside the range),
-- returning customers (first order before it) and the rest (guests, and ids with no real order yet).
-- For new and returning, revenue of customers who placed an order in the range (active) is kept apart from
-- revenue of customers who only have cancellations/returns in the range (orphan refunds), so that
-- active revenue = customers x orders per customer x AOV holds exactly.
with facts as (
    select * from kpi_order_facts where ordered_at >= $start and ordered_at < $end
),

per_customer as (
    select
        case when customer_id is null or first_order_at is null or first_order_at >= $end then 'other'
             when first_order_at >= $start then 'new'
             else 'returning' end                            as customer_group,
        customer_id,
        count(*) filter (where is_order)                     as orders,
        sum(net_revenue)                                     as revenue
    from facts
    group by all
),

final as (
    select
        customer_group,
        count(distinct customer_id) filter (where orders > 0)           as customers,
        coalesce(sum(orders), 0)                                        as orders,
        coalesce(sum(revenue) filter (where orders > 0), 0)             as active_revenue,
        coalesce(sum(revenue) filter (where orders = 0), 0)             as orphan_revenue
    from per_customer
    group by customer_group
)

select * from final
