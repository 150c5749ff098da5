-- grain: no rows (an insert): one owner's setting
insert into workspace_meta values ($key, $value)
