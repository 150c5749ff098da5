-- grain: no rows (removes one revenue setting from workspace_meta)
-- Parameters: $key (e.g. 'setting:revenue_tax').
delete from workspace_meta where key = $key
