-- grain: one row per loaded web or app event (a kept row of one file)
-- staging: web/app events of one file (the view _incoming) -> canonical events columns
-- event_type is normalised to view / cart / checkout / purchase / other.
-- Parameters: $file_id, $first_line_id
with incoming as (
    select *, lower(regexp_replace(coalesce(f_event_name, ''), '[^A-Za-z]', '', 'g')) as _event_key
    from _incoming where _keep
),

final as (
    select
        $first_line_id + _idx                                   as event_id,
        $file_id                                                                     as source_file,
        _row                                                                         as source_row,
        _customer_id                                                                 as customer_id,
        f_customer_id                                                                as source_customer_id,
        f_email                                                                      as email,
        f_session_id                                                                 as session_id,
        f_event_at                                                                   as event_at,
        case
            when _event_key in ('purchase', 'order', 'ordercompleted', 'orderplaced', 'transaction',
                                'checkoutcompleted', 'completedorder', 'buy')              then 'purchase'
            when _event_key like '%checkout%' or _event_key in ('initiatecheckout', 'payment',
                                'addpaymentinfo', 'addshippinginfo')                       then 'checkout'
            when _event_key like '%cart%' or _event_key like '%basket%'                     then 'cart'
            when _event_key like '%view%' or _event_key in ('pageview', 'visit', 'session',
                                'sessionstart', 'landing', 'impression', 'productdetail')  then 'view'
            else 'other'
        end                                                                          as event_type,
        f_event_name                                                                 as event_name,
        f_page                                                                       as page,
        f_channel                                                                    as channel,
        f_device                                                                     as device,
        f_order_id                                                                   as order_id,
        _hash                                                                        as row_hash
    from incoming
)

select * from final
