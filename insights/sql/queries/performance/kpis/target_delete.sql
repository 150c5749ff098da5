-- grain: no rows (removes the target of one KPI for one grain and period key)
-- Parameters, in order: grain, period key, KPI.
delete from kpi_targets where grain = ? and period_key = ? and kpi = ?
