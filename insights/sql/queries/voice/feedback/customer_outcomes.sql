-- grain: one row per customer with at least one 0–10 (NPS) answer
-- Each customer's latest NPS answer beside their revenue and whether they have lapsed: no order for longer than
-- 9 in 10 of the shop's repeat gaps, counted to the last order in the data. Parameter: none.
with window_days as (
    select coalesce(quantile_cont(gap_days, 0.9), 90) as days from customer_order_days where gap_days is not null
),

data_end as (
    select max(ordered_at) as last_day from orders where is_order
),

latest_answer as (
    select customer_id, arg_max(score, submitted_at) as score, max(submitted_at) as answered_at
    from feedback
    where customer_id is not null and score is not null and lower(kind) = 'nps'
    group by customer_id
)

select
    a.customer_id,
    a.score,
    a.answered_at,
    coalesce(c.net_revenue, 0)                                                       as net_revenue,
    c.last_order_at,
    c.last_order_at is not null
        and date_diff('day', c.last_order_at, (select last_day from data_end)) > (select days from window_days)
                                                                                     as lapsed,
    (select days from window_days)                                                   as window_days,
    date_diff('day', a.answered_at, (select last_day from data_end))                 as days_since_answer
from latest_answer a
left join customers c on c.customer_id = a.customer_id
