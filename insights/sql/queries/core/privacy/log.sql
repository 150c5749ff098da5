-- grain: one row per privacy event, newest first
select logged_at as at, action, actor, subject, detail from privacy_log
where $action is null or action = $action
order by logged_at desc
