-- grain: one row (the distribution of gaps); built from one row per repeat purchase before $cutoff
-- Days since the same customer's previous order day; several orders on one day are one purchase occasion.
with order_days as (
    select distinct customer_id, cast(ordered_at as date) as order_date
    from orders
    where is_order and customer_id is not null and ordered_at < $cutoff
),

gaps as (
    select
        customer_id,
        order_date,
        date_diff('day', lag(order_date) over (partition by customer_id order by order_date), order_date) as gap_days
    from order_days
),

final as (
    select customer_id, order_date, gap_days from gaps where gap_days is not null
)

-- $quantiles: the probabilities wanted (e.g. [0.5, 0.75, 0.9, 0.95]); one row: repeat purchases and the
-- gap at each probability
select count(*) as repeat_purchases, quantile_cont(gap_days, $quantiles) as gap_quantiles from final
