-- grain: one row (or none): an owner's setting kept in workspace_meta
select value from workspace_meta where key = $key
