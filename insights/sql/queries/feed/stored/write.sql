-- grain: one row per stored feed result (this key's; forget_older.sql removed any before it)
insert into feed_results values ($key, $data_version, $computed_at, $insights)
