-- grain: one row written per privacy event (erasure, reveal, export, retention, suppression upload)
insert into privacy_log values ($at, $action, $actor, $subject, $detail)
