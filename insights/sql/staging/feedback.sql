-- grain: one row per loaded survey answer or review (a kept row of one file)
-- staging: survey answers and reviews of one file (the view _incoming) -> canonical feedback columns
-- kind: as the file says when it says nps/csat/review/survey; otherwise scores above 5 mean NPS (0-10),
-- the rest reviews (1-5). Parameters: $file_id, $first_line_id, $default_kind
with incoming as (
    select *, lower(trim(coalesce(f_feedback_kind, ''))) as _kind_text from _incoming where _keep
),

final as (
    select
        $first_line_id + _idx                                   as feedback_id,
        $file_id                                                                     as source_file,
        _row                                                                         as source_row,
        _customer_id                                                                 as customer_id,
        f_customer_id                                                                as source_customer_id,
        f_email                                                                      as email,
        f_submitted_at                                                               as submitted_at,
        case
            when _kind_text like '%nps%' or _kind_text like '%promoter%'             then 'nps'
            when _kind_text like '%csat%' or _kind_text like '%satisf%'              then 'csat'
            when _kind_text like '%review%' or _kind_text like '%rating%'            then 'review'
            when _kind_text like '%survey%'                                          then 'survey'
            else $default_kind
        end                                                                          as kind,
        f_score::double                                                              as score,
        f_text                                                                       as text,
        f_order_id                                                                   as order_id,
        _hash                                                                        as row_hash
    from incoming
)

select * from final
