-- grain: one row per stored target of the grain $grain (KPI x period key, '*' = every period)
select kpi, period_key, target from kpi_targets where grain = $grain order by kpi
