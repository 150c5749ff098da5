-- grain: no rows (period macros)
-- Period buckets shared by the KPI and cohort queries (temporary macros: they live in this connection only).
-- A bucket is an integer: consecutive periods have consecutive numbers, so "previous period" is b - 1.
--   week    ISO weeks (Monday start), numbered from Monday 2000-01-03
--   month   year * 12 + month
--   quarter year * 4 + quarter
--   custom  blocks of `days` days starting at `anchor` (negative before it)
create or replace temp macro kpi_bucket(d, grain, anchor, days) as
    case grain
        when 'month'   then year(d) * 12 + month(d)
        when 'quarter' then year(d) * 4 + quarter(d)
        when 'week'    then cast(floor(date_diff('day', date '2000-01-03', cast(d as date)) / 7) as bigint)
        else cast(floor(date_diff('day', cast(anchor as date), cast(d as date)) / days) as bigint)
    end;

create or replace temp macro kpi_bucket_start(b, grain, anchor, days) as
    case grain
        when 'month'   then make_date(cast((b - 1) // 12 as bigint), cast((b - 1) % 12 + 1 as bigint), 1)
        when 'quarter' then make_date(cast((b - 1) // 4 as bigint), cast(((b - 1) % 4) * 3 + 1 as bigint), 1)
        when 'week'    then cast(date '2000-01-03' + to_days(cast(b * 7 as integer)) as date)
        else cast(cast(anchor as date) + to_days(cast(b * days as integer)) as date)
    end;

-- Periods from cohort period c to period p (both period starts of the same grain): 0, 1, 2, ...
create or replace temp macro cohort_index(c, p, grain) as
    case grain
        when 'month'   then (year(p) - year(c)) * 12 + month(p) - month(c)
        when 'quarter' then (year(p) - year(c)) * 4 + quarter(p) - quarter(c)
        else cast(date_diff('day', c, p) // 7 as bigint)
    end;
