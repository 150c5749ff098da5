-- grain: one row per loaded spend row
-- the spend rows with their file's name, for allocation to months (acquisition.spend)
select s.spend_id, s.period_start, s.period_end, s.platform, s.channel, s.channel_label, s.campaign,
       s.amount, s.currency, f.name as file_name
from spend s
left join files f on f.file_id = s.source_file
order by s.spend_id
