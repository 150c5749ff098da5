-- grain: one row per stored feed result with this key (zero or one)
select insights from feed_results where key = $key
