-- grain: one row per customer whose CRM rows the retention removes (after working_sets.sql)
select customer_id from _retain_people
