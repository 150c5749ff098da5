-- grain: one row per stored feed result: those computed from other data than this version are dropped
delete from feed_results where data_version <> $data_version
