-- grain: the erasure's working sets dropped
drop table if exists _erase_ids;
drop table if exists _erase_emails;
drop table if exists _erase_phones;
drop table if exists _erase_names;
drop table if exists _erase_lines;
drop table if exists _erase_orders;
drop table if exists _erase_events;
drop table if exists _erase_sessions;
drop table if exists _erase_feedback;
