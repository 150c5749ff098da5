-- grain: one row (whether the workspace holds any web event and any feedback answer)
select exists (select 1 from events) as with_events, exists (select 1 from feedback) as with_feedback
