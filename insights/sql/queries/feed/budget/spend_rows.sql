-- grain: one row (the number of marketing spend rows loaded)
-- Whether the budget comparison has anything to compare.
select count(*) as spend_rows from spend
