-- grain: one row per customer of one insight's exported list
select customer_id, held_back from insight_holdouts where insight_id = $insight_id
