-- grain: the retention's working sets dropped
drop table if exists _retain;
drop table if exists _retain_lines;
drop table if exists _retain_orders;
drop table if exists _retain_events;
drop table if exists _retain_people;
drop table if exists _retain_feedback;
