-- grain: one row per saved segment, by name
select name_key, name, spec, created_at, updated_at from saved_segments order by lower(name)
