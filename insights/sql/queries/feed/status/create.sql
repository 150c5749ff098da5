-- grain: one row per insight the owner has marked (its id), holding its latest status
-- Not a mart: marts are rebuilt from the data on every upload; this table is the owner's own record and is
-- never rebuilt, so a status survives the next upload (an insight keeps its id when new data arrives).
create table if not exists insight_status (
    insight_id  varchar primary key,
    status      varchar not null,
    reason      varchar,
    note        varchar,
    changed_at  timestamp not null,
    changed_by  varchar
)
