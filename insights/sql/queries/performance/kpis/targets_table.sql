-- grain: no rows (creates kpi_targets if missing: one row per grain x period key x KPI)
create table if not exists kpi_targets (
    grain       varchar not null,
    period_key  varchar not null,   -- ISO date of the period start, or '*' for every period of this grain
    kpi         varchar not null,
    target      double not null,
    set_at      timestamp,
    primary key (grain, period_key, kpi)
)
