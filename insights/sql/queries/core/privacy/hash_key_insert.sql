-- grain: one row written: the workspace's secret key for hashing identifiers, made once
insert into workspace_meta select 'privacy:hash_key', $value
where not exists (select 1 from workspace_meta where key = 'privacy:hash_key')
