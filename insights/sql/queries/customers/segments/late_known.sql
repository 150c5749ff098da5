-- grain: one row: whether any order's lateness is known (delivered and promised dates, or a late flag or tag), so
-- the segment builder offers "last order late" only where it can say something
select exists (select 1 from orders where late_days is not null)
    or exists (select 1 from order_late_flags) as late_known
