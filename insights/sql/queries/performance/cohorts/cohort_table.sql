-- grain: one row per split value x cohort x period index
-- Acquisition cohorts in long format.
-- Parameters: $grain ('week' | 'month' | 'quarter'). {split} is replaced in Python by a quoted column of
-- cohort_customer chosen from a fixed list, or by a constant label when cohorts are not split.
-- A customer's cohort is the period of their first order; the customer is active in period c + k when they
-- placed an order (an id not wholly cancelled) in it; revenue sums every order id of the cohort's customers
-- in that period, wholly cancelled ones included (cancellations netted).
with customers as (
    select
        customer_id,
        cast({split} as varchar)                                                   as split_value,
        cast(date_trunc($grain, first_order_at) as date)                            as cohort,
        cast(date_trunc($grain, last_order_at) as date)                             as last_period
    from cohort_customer
),

bounds as (
    select
        cast(date_trunc($grain, max(ordered_at)) as date)                           as last_period,
        -- the data ends inside its last period unless its last day closes the period
        date_trunc($grain, max(ordered_at) + interval 1 day) = date_trunc($grain, max(ordered_at)) as last_is_partial
    from kpi_order_facts
),

activity as (
    select
        c.split_value,
        c.cohort,
        cohort_index(c.cohort, cast(date_trunc($grain, f.ordered_at) as date), $grain) as period_index,
        count(distinct f.customer_id) filter (where f.is_order)                     as active_customers,
        count(*) filter (where f.is_order)                                          as orders,
        sum(f.net_revenue)                                                          as revenue
    from kpi_order_facts f
    join customers c on c.customer_id = f.customer_id
    group by all
),

sizes as (
    select split_value, cohort, count(*) as customers
    from customers
    group by all
),

last_orders as (
    select split_value, cohort, cohort_index(cohort, last_period, $grain) as period_index, count(*) as leaving
    from customers
    group by all
),

grid as (
    select
        s.split_value,
        s.cohort,
        s.customers,
        unnest(range(0, cohort_index(s.cohort, b.last_period, $grain) + 1))         as period_index,
        cohort_index(s.cohort, b.last_period, $grain)                               as last_index,
        b.last_is_partial
    from sizes s
    cross join bounds b
),

cells as (
    select
        g.split_value,
        g.cohort,
        g.period_index,
        g.customers,
        coalesce(a.active_customers, 0)                                             as active_customers,
        -- customers whose last order is in this period or later = active in or after it
        sum(coalesce(l.leaving, 0)) over later                                      as active_or_after_customers,
        coalesce(a.orders, 0)                                                       as orders,
        coalesce(a.revenue, 0)                                                      as revenue,
        sum(coalesce(a.revenue, 0)) over earlier                                    as cumulative_revenue,
        g.period_index = g.last_index and g.last_is_partial                         as is_partial
    from grid g
    left join activity a
           on a.split_value = g.split_value and a.cohort = g.cohort and a.period_index = g.period_index
    left join last_orders l
           on l.split_value = g.split_value and l.cohort = g.cohort and l.period_index = g.period_index
    window later as (partition by g.split_value, g.cohort order by g.period_index desc
                     rows between unbounded preceding and current row),
           earlier as (partition by g.split_value, g.cohort order by g.period_index
                       rows between unbounded preceding and current row)
),

final as (
    select * from cells
)

select * from final order by split_value, cohort, period_index
