-- grain: no rows (a delete): one owner's setting removed before it is written again
delete from workspace_meta where key = $key
