-- grain: one row per stored feed result: those of other data than this version, and this key's own, are dropped
delete from feed_results where data_version <> $data_version or key = $key
