-- grain: one row per owner's setting kept with the workspace (what the detectors read besides the data)
select key, value from workspace_meta where key like 'setting:%' order by key
