-- grain: one row per insight the owner has marked
select insight_id, status, reason, note, changed_at, changed_by from insight_status
