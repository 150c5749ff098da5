-- grain: one row per insight exported with a control group
select insight_id, exported_at, exported_by, control_share, seed, treated, held_back, insight
from insight_exports
order by exported_at
