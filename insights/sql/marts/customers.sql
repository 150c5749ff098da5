-- grain: one row per resolved customer who placed an order or appears in the CRM
with records as (
    select * from customer_records where customer_id is not null
),

-- consent as data: the latest upload that says anything of a channel wins (a later file that withdraws consent,
-- or gives it again); within one upload a person is contactable only if no record of theirs withholds it
consent_said as (
    select r.customer_id, r.consent_email, r.consent_sms, f.loaded_at
    from records r left join files f on f.file_id = r.source_file
),

latest_consent as (
    select customer_id,
           bool_and(consent_email) filter (where email_latest)             as consent_email,
           bool_and(consent_sms) filter (where sms_latest)                 as consent_sms
    from (
        select *,
               consent_email is not null and loaded_at is not distinct from
                   max(loaded_at) filter (where consent_email is not null) over (partition by customer_id) as email_latest,
               consent_sms is not null and loaded_at is not distinct from
                   max(loaded_at) filter (where consent_sms is not null) over (partition by customer_id)   as sms_latest
        from consent_said
    )
    group by customer_id
),

orders as (
    select * from orders where customer_id is not null
),

crm as (
    select
        customer_id,
        arg_min(name, source_row) filter (where name is not null)       as name,
        arg_min(email, source_row) filter (where email is not null)     as email,
        arg_min(phone, source_row) filter (where phone is not null)     as phone,
        arg_min(country, source_row) filter (where country is not null) as country,
        arg_min(city, source_row) filter (where city is not null)       as city,
        arg_min(channel, source_row) filter (where channel is not null) as channel,
        min(signed_up_at)                                               as signed_up_at,
        count(*)                                                        as crm_records
    from records
    group by customer_id
),

-- a line's category is its own, or the catalog's where it has none (line_products)
named_lines as (
    select l.customer_id, l.line_id, l.ordered_at, l.email, l.phone, l.customer_name, l.is_non_product, l.is_cancellation,
           coalesce(lp.category, l.category) as category
    from order_lines l
    left join line_products lp using (line_id)
),

-- the first line is the earliest, and of lines placed at the same moment (an order's lines) the first loaded:
-- line_id breaks the tie, so every engine picks the same line (docs/SCALE.md)
first_lines as (
    select
        customer_id,
        arg_min(category, struct_pack(at := ordered_at, line := line_id))
            filter (where not is_non_product and category is not null)                 as first_category,
        arg_min(email, struct_pack(at := ordered_at, line := line_id)) filter (where email is not null) as order_email,
        arg_min(phone, struct_pack(at := ordered_at, line := line_id)) filter (where phone is not null) as order_phone,
        -- the name an order file gives (Customer Name) where the CRM gives none: the latest order's
        arg_max(customer_name, struct_pack(at := ordered_at, line := line_id))
            filter (where customer_name is not null)                                          as order_name
    from named_lines
    where customer_id is not null and not is_cancellation
    group by customer_id
),

per_customer as (
    select
        customer_id,
        min(ordered_at) filter (where is_order)  as first_order_at,
        max(ordered_at) filter (where is_order)  as last_order_at,
        count(*) filter (where is_order)         as orders,
        sum(net_revenue)                         as net_revenue,
        arg_min(channel, struct_pack(at := ordered_at, id := order_id)) filter (where is_order) as first_order_channel,
        arg_min(country, struct_pack(at := ordered_at, id := order_id)) filter (where is_order) as first_order_country
    from orders
    group by customer_id
),

all_ids as (
    select customer_id from crm
    union
    select customer_id from per_customer
),

final as (
    select
        ids.customer_id,
        coalesce(crm.name, fl.order_name)                           as name,
        coalesce(crm.email, fl.order_email)                         as email,
        coalesce(crm.phone, fl.order_phone)                         as phone,
        coalesce(crm.country, pc.first_order_country)               as country,
        crm.city,
        coalesce(crm.channel, pc.first_order_channel)               as channel,
        crm.signed_up_at,
        lc.consent_email,
        lc.consent_sms,
        coalesce(crm.crm_records, 0)                                as crm_records,
        pc.first_order_at,
        pc.last_order_at,
        coalesce(pc.orders, 0)                                      as orders,
        coalesce(pc.net_revenue, 0)                                 as net_revenue,
        case when pc.orders > 0 then pc.net_revenue / pc.orders end as aov,
        fl.first_category
    from all_ids ids
    left join crm on crm.customer_id = ids.customer_id
    left join latest_consent lc on lc.customer_id = ids.customer_id
    left join per_customer pc on pc.customer_id = ids.customer_id
    left join first_lines fl on fl.customer_id = ids.customer_id
)

select * from final
