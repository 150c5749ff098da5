-- grain: one row (when the workspace last loaded a file)
-- A closed or dismissed story comes back as a new one only after an upload made later than its closing.
select max(loaded_at) as last_load from files
