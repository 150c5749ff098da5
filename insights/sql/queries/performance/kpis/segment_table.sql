-- grain: one row per table of the workspace with both a customer_id and a segment column
select table_name from information_schema.columns
where table_schema = 'main' and column_name in ('customer_id', 'segment')
group by table_name having count(distinct column_name) = 2
order by table_name
