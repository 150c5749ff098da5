-- grain: at most one row: the workspace's secret key for hashing identifiers (suppression list, pseudonyms)
select value from workspace_meta where key = 'privacy:hash_key'
