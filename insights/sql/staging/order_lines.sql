-- grain: one row per loaded order line (a kept row of one file)
-- staging: order lines of one file (the view _incoming) -> canonical order_lines columns
-- rename and cast; shop realities (cancellations, returns, non-product lines) become flags here, with the
-- macros of sql/staging/order_line_flags.sql.
-- Parameters: $file_id, $first_line_id
with incoming as (
    select * from _incoming where _keep
),

-- flags are decided once per distinct product and status, not per line; the distinct values are read from
-- the typed table under the view (_incoming_arrow), so that the view is evaluated once
products as (
    select distinct f_product_id, f_product_name from _incoming_arrow where _keep
),

product_flags as (
    select
        f_product_id,
        f_product_name,
        is_non_product_line(f_product_id, f_product_name)                            as is_non_product
    from products
),

statuses as (
    select distinct f_status from _incoming_arrow where _keep
),

status_flags as (
    select
        f_status,
        status_says_cancelled(f_status)                                              as says_cancelled,
        status_says_returned(f_status)                                               as says_returned
    from statuses
),

flagged as (
    select
        i.*,
        -- cancellation: an invoice number that is a C and digits (C536379), a cancelled status, or a negative
        -- quantity that is not marked as a return
        (is_cancellation_number(i.f_order_id)
         or s.says_cancelled
         or (i.f_quantity < 0 and not s.says_returned))                            as is_cancellation_raw,
        s.says_returned                                                             as is_return_raw,
        p.is_non_product                                                            as is_non_product_raw
    from incoming i
    join status_flags s on s.f_status is not distinct from i.f_status
    join product_flags p on p.f_product_id is not distinct from i.f_product_id
                        and p.f_product_name is not distinct from i.f_product_name
),

final as (
    select
        $first_line_id + _idx                                   as line_id,
        $file_id                                                                     as source_file,
        _row                                                                         as source_row,
        f_order_id                                                                   as order_id,
        _customer_id                                                                 as customer_id,
        f_customer_id                                                                as source_customer_id,
        f_email                                                                      as email,
        f_phone                                                                      as phone,
        f_ordered_at                                                                 as ordered_at,
        f_product_id                                                                 as product_id,
        f_product_name                                                               as product_name,
        f_category                                                                   as category,
        f_quantity                                                                   as quantity,
        f_unit_price                                                                 as unit_price,
        -- a line whose status says cancelled/returned but whose quantity is positive is the sale undone:
        -- it nets to zero (its amount is reported as excluded by status)
        -- a refund written beside the sale (_refund, e.g. Stripe's Amount Refunded) is taken off its line
        case when _status_zeroed then 0::decimal(18,4) else f_revenue - _refund end as revenue,
        upper(f_currency)                                                            as currency,
        f_channel                                                                    as channel,
        f_country                                                                    as country,
        f_status                                                                     as status,
        is_cancellation_raw and not is_return_raw                                    as is_cancellation,
        is_return_raw                                                                as is_return,
        is_non_product_raw                                                           as is_non_product,
        _customer_id is null                                                         as is_guest,
        f_delivered_at                                                               as delivered_at,
        f_promised_at                                                                as promised_at,
        _hash                                                                        as row_hash,
        -- the amount in the line's own currency; revenue is turned into the reporting currency (and rate set)
        -- when the marts are built: insights/core/currency.py
        case when _status_zeroed then 0::decimal(18,4) else f_revenue - _refund end as source_revenue,
        -- at par until the marts are built: core/currency.py converts a line in another currency, or leaves it out
        1::decimal(18,8)                                                             as rate,
        nullif(trim(f_name), '')                                                     as customer_name
    from flagged
)

select * from final
