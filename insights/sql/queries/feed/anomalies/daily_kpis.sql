-- grain: one row per calendar day from $start to the day before $end (days without orders included, as zeros)
-- The daily series the anomaly detector watches: net revenue (every line, cancellations and returns as
-- negatives), orders (ids that are not wholly cancelled, guests included) and new customers (identified
-- customers whose first real order falls on that day).
with days as (
    select cast(day as date) as order_date
    from generate_series(cast($start as date), cast($end as date) - 1, interval 1 day) as t(day)
),

facts as (
    select
        order_date,
        sum(net_revenue)                                            as net_revenue,
        count(*) filter (where is_order)                            as orders,
        count(*) filter (where is_order and order_seq = 1)          as new_customers
    from kpi_order_facts
    where order_date >= cast($start as date) and order_date < cast($end as date)
    group by order_date
),

final as (
    select
        days.order_date,
        coalesce(cast(facts.net_revenue as double), 0)              as net_revenue,
        coalesce(facts.orders, 0)                                   as orders,
        coalesce(facts.new_customers, 0)                            as new_customers
    from days
    left join facts using (order_date)
)

select * from final order by order_date
