-- grain: one row per stored feed result (this key's, replacing any before it)
insert or replace into feed_results values ($key, $data_version, $computed_at, $insights)
