-- grain: one row: the retention cut-offs ($lines_cutoff for order lines, events and CRM records; $text_cutoff for feedback text; null = keep)
create or replace temp table _retain as
select $lines_cutoff::timestamp as lines_cutoff, $text_cutoff::timestamp as text_cutoff
