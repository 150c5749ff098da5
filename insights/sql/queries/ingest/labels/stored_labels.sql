-- grain: one row per label field and distinct spelling stored in the workspace
-- the spellings of channel, country, status, device and category the pages already show (values.labels)
select 'channel' as field, channel as spelling, count(*) as n from order_lines where channel is not null group by all
union all
select 'channel', channel, count(*) from customer_records where channel is not null group by all
union all
select 'channel', channel, count(*) from events where channel is not null group by all
union all
select 'channel', channel, count(*) from spend where channel is not null group by all
union all
select 'country', country, count(*) from order_lines where country is not null group by all
union all
select 'country', country, count(*) from customer_records where country is not null group by all
union all
select 'status', status, count(*) from order_lines where status is not null group by all
union all
select 'status', status, count(*) from customer_records where status is not null group by all
union all
select 'device', device, count(*) from events where device is not null group by all
union all
select 'category', category, count(*) from order_lines where category is not null group by all
