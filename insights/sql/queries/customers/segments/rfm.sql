-- grain: one row per identified customer with an order before $as_of
-- One row per identified customer with at least one order before $as_of (an order = an order id not wholly
-- cancelled). Reads the orders mart, never the lines.
--   recency_days = days from the customer's last order date to $as_of
--   frequency    = orders before $as_of
--   monetary     = net revenue of every order id of theirs before $as_of (cancellations and returns netted)
-- Scores 1-5 (5 = best). Tie rule: equal values get equal scores.
--   score = least(5, 1 + floor(5 * percent_rank)), percent_rank = (rank - 1) / (customers - 1), where rank is
--   1 + the number of customers with a strictly worse value. If every customer has the same value, all score 3.
-- Recency is ranked with fewer days = better, so a recent buyer scores 5.
with orders as (
    select * from orders where customer_id is not null and ordered_at < $as_of
),

per_customer as (
    select
        customer_id,
        count(*) filter (where is_order)                          as frequency,
        sum(net_revenue)                                          as monetary,
        max(order_date) filter (where is_order)                   as last_order_date,
        min(order_date) filter (where is_order)                   as first_order_date
    from orders
    group by customer_id
    having count(*) filter (where is_order) > 0
),

measured as (
    select
        *,
        date_diff('day', last_order_date, cast($as_of as date))  as recency_days,
        date_diff('day', first_order_date, cast($as_of as date)) as tenure_days
    from per_customer
),

ranked as (
    select
        *,
        percent_rank() over (order by recency_days desc)          as r_rank,
        percent_rank() over (order by frequency)                  as f_rank,
        percent_rank() over (order by monetary)                   as m_rank,
        min(recency_days) over () = max(recency_days) over ()     as r_flat,
        min(frequency) over () = max(frequency) over ()           as f_flat,
        min(monetary) over () = max(monetary) over ()             as m_flat
    from measured
),

final as (
    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        last_order_date,
        first_order_date,
        tenure_days,
        cast(case when r_flat then 3 else least(5, 1 + floor(5 * r_rank)) end as integer) as r_score,
        cast(case when f_flat then 3 else least(5, 1 + floor(5 * f_rank)) end as integer) as f_score,
        cast(case when m_flat then 3 else least(5, 1 + floor(5 * m_rank)) end as integer) as m_score
    from ranked
)

select * from final order by customer_id
