-- grain: none (drops the funnel's temp tables of this connection)
drop table if exists _funnel_events;
drop table if exists _funnel_reach;
drop table if exists _funnel_units;
