-- grain: one row per calendar month with at least one event, newest first ('YYYY-MM')
select distinct strftime(event_at, '%Y-%m') as month from events where event_at is not null order by month desc
