-- grain: one saved segment removed, by its case-folded name
delete from saved_segments where name_key = $name_key
