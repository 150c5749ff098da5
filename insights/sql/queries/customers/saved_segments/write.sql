-- grain: one row written: a saved segment (replacing one of the same name, keeping when it was first saved)
insert or replace into saved_segments (name_key, name, spec, created_at, updated_at)
values ($name_key, $name, $spec,
        coalesce((select created_at from saved_segments where name_key = $name_key), $now), $now)
