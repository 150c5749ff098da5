-- grain: one row per dimension, value and step: the units of that value that reached the step, the distinct
-- customers among them (for dimension 'all' only: counting them per group would cost more than the rest of the
-- funnel together), and the median minutes from the previous step (dimension 'all', value 'all': every unit;
-- 'month' and 'week': the period the units began in). Reads the temp tables _funnel_units and _funnel_reach.
with reached as (
    select u.*, r.step, epoch(r.reached_at) - epoch(p.reached_at) as gap_seconds
    from _funnel_units u
    join _funnel_reach r using (unit_key)
    left join _funnel_reach p on p.unit_key = r.unit_key and p.step = r.step - 1
),

grouped as (
    select
        case when grouping(device) = 0 then 'device'
             when grouping(channel) = 0 then 'channel'
             when grouping(country) = 0 then 'country'
             when grouping(visitor) = 0 then 'visitor'
             when grouping(rfm) = 0 then 'rfm'
             when grouping(lifecycle) = 0 then 'lifecycle'
             when grouping(month) = 0 then 'month'
             when grouping(week) = 0 then 'week'
             else 'all' end                                                          as dimension,
        coalesce(device, channel, country, visitor, rfm, lifecycle, month, week, 'all') as value,
        step,
        count(*)                                                                     as units,
        median(gap_seconds) / 60.0                                                   as median_minutes
    from reached
    group by grouping sets ((device, step), (channel, step), (country, step), (visitor, step), (rfm, step),
                            (lifecycle, step), (month, step), (week, step))
),

overall as (
    select 'all' as dimension, 'all' as value, step, count(*) as units,
           median(gap_seconds) / 60.0 as median_minutes, count(distinct customer_id) as customers
    from reached
    group by step
)

select dimension, value, step, units, null::bigint as customers, median_minutes from grouped
union all
select dimension, value, step, units, customers, median_minutes from overall
order by dimension, value, step
