-- grain: one row written: an insight's export with a control group (the first one is kept)
insert or ignore into insight_exports (insight_id, exported_at, exported_by, control_share, seed, treated, held_back, insight)
values ($insight_id, $exported_at, $exported_by, $control_share, $seed, $treated, $held_back, $insight)
