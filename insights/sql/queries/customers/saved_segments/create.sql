-- grain: one row per segment the owner saved by name (the name's case-folded form is the key)
-- Not a mart: marts are rebuilt on every upload; a saved segment is the owner's own record and survives uploads.
-- It holds the segment's filters (a JSON list of [field, operator, value]), never its members: reopening a
-- segment after an upload selects the customers who match it now.
create table if not exists saved_segments (
    name_key    varchar primary key,
    name        varchar not null,
    spec        varchar not null,
    created_at  timestamp not null,
    updated_at  timestamp not null
)
