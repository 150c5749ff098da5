-- grain: no rows (stores the target of one KPI for one grain and period key)
-- Parameters, in order: grain, period key, KPI, target.
insert into kpi_targets values (?, ?, ?, ?, current_timestamp)
