-- grain: one row per loaded customer-list (CRM) row (a kept row of one file)
-- staging: CRM rows of one file (the view _incoming) -> canonical customer_records columns
-- Parameters: $file_id, $first_line_id
with incoming as (
    select * from _incoming where _keep
),

final as (
    select
        $first_line_id + _idx                                   as record_id,
        $file_id                                                                     as source_file,
        _row                                                                         as source_row,
        _customer_id                                                                 as customer_id,
        f_customer_id                                                                as source_customer_id,
        coalesce(f_name, nullif(trim(concat_ws(' ', f_first_name, f_last_name)), '')) as name,
        f_email                                                                      as email,
        f_phone                                                                      as phone,
        f_country                                                                    as country,
        f_city                                                                       as city,
        f_channel                                                                    as channel,
        f_signed_up_at                                                               as signed_up_at,
        f_consent_email                                                              as consent_email,
        f_consent_sms                                                                as consent_sms,
        f_status                                                                     as status,
        f_cancelled_at                                                               as cancelled_at,
        coalesce(f_churn, case when f_cancelled_at is not null then true end,
                 case when regexp_matches(lower(coalesce(f_status, '')), '(cancel|churn|inactive|closed|lapsed)')
                      then true end)                                                 as churned,
        _attributes::json                                                            as attributes,
        _hash                                                                        as row_hash
    from incoming
)

select * from final
