-- grain: one row per insight whose list was exported with a control group held back
-- Not a mart (never rebuilt): the owner's record of an action, kept across uploads. ``insight`` is the insight as
-- it read when acted on (JSON), so it can show its outcome after new data has moved its figures or its period.
create table if not exists insight_exports (
    insight_id     varchar primary key,
    exported_at    timestamp not null,
    exported_by    varchar,
    control_share  double not null,
    seed           bigint not null,
    treated        integer not null,
    held_back      integer not null,
    insight        varchar not null
)
