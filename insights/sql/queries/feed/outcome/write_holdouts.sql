-- grain: one row per customer of the exported list (the temp view _holdout: customer_id, held_back)
insert or ignore into insight_holdouts (insight_id, customer_id, held_back)
select $insight_id, customer_id, held_back from _holdout
