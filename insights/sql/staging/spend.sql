-- grain: one row per loaded marketing spend row (a kept row of one file)
-- staging: the spend rows of one file (the view _incoming) -> canonical spend columns. Periods as dates (the
-- first and last day the row covers); channel_label as the file wrote it, channel in the workspace's one
-- spelling (values.labels). Parameters: $file_id, $first_line_id
with incoming as (
    select * from _incoming where _keep
),

final as (
    select
        $first_line_id + _idx                               as spend_id,
        $file_id                                            as source_file,
        _row                                                as source_row,
        f_period_start::date                                as period_start,
        coalesce(f_period_end, f_period_start)::date        as period_end,
        f_platform                                          as platform,
        f_channel_label                                     as channel_label,
        f_channel                                           as channel,
        f_campaign                                          as campaign,
        f_campaign_type                                     as campaign_type,
        f_amount::decimal(18,4)                             as amount,
        f_currency                                          as currency,
        round(f_clicks)::bigint                             as clicks,
        round(f_impressions)::bigint                        as impressions,
        f_conversions::decimal(18,4)                        as conversions,
        _hash                                               as row_hash
    from incoming
)

select * from final
