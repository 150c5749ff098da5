"""Performance: KPIs, cohorts and the overview."""
