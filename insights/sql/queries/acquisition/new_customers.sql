-- grain: one row per identified customer with a first order
-- a customer is acquired in the month of their first order, by the acquisition channel of the CRM, else by the
-- first order's channel (UTM source); channel_rule says which ('crm', 'first_order', null = no channel)
with crm as (
    select customer_id, arg_min(channel, source_row) filter (where channel is not null) as channel
    from customer_records
    where customer_id is not null
    group by customer_id
),

firsts as (
    select
        customer_id,
        min(ordered_at) filter (where is_order)                  as first_order_at,
        arg_min(channel, ordered_at) filter (where is_order)     as order_channel,
        sum(net_revenue)                                         as net_revenue
    from orders
    where customer_id is not null
    group by customer_id
),

final as (
    select
        f.customer_id,
        f.first_order_at,
        date_trunc('month', f.first_order_at)::date              as month,
        coalesce(crm.channel, f.order_channel)                   as channel,
        case when crm.channel is not null then 'crm'
             when f.order_channel is not null then 'first_order' end as channel_rule,
        f.net_revenue
    from firsts f
    left join crm on crm.customer_id = f.customer_id
    where f.first_order_at is not null
)

select * from final order by customer_id
