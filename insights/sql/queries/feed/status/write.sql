-- grain: one row written: an insight's new status (replacing its previous one)
insert or replace into insight_status (insight_id, status, reason, note, changed_at, changed_by)
values ($insight_id, $status, $reason, $note, $changed_at, $changed_by)
