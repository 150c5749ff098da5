-- grain: no rows (writes one revenue setting into workspace_meta; a null value writes nothing)
-- Parameters: $key, $value.
insert into workspace_meta select $key, $value where $value is not null
