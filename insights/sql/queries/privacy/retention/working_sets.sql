-- grain: the retention's working sets (after prepare.sql): old identified lines, their orders with new ids, old events and answers, people with nothing recent
create or replace temp table _retain_lines as
    select line_id from order_lines
    where ordered_at < (select lines_cutoff from _retain)
      and (customer_id is not null or source_customer_id is not null or email is not null or phone is not null);
create or replace temp table _retain_orders as
    select order_id, 'retired-' || substr(replace(gen_random_uuid()::varchar, '-', ''), 1, 16) as new_id
    from (select distinct order_id from order_lines where line_id in (from _retain_lines));
create or replace temp table _retain_events as
    select event_id from events
    where event_at < (select lines_cutoff from _retain)
      and (customer_id is not null or source_customer_id is not null or email is not null);
create or replace temp table _retain_feedback as
    select feedback_id from feedback
    where submitted_at < (select lines_cutoff from _retain)
      and (customer_id is not null or source_customer_id is not null or email is not null);
-- people whose every order, event, answer and sign-up is older than the cut-off: their CRM rows go
create or replace temp table _retain_people as
    select customer_id from customer_records
    where customer_id is not null and (select lines_cutoff from _retain) is not null
    group by customer_id
    having coalesce(max(signed_up_at), timestamp '1900-01-01') < (select lines_cutoff from _retain)
       and customer_id not in (select customer_id from order_lines
                               where customer_id is not null and ordered_at >= (select lines_cutoff from _retain))
       and customer_id not in (select customer_id from events
                               where customer_id is not null and event_at >= (select lines_cutoff from _retain))
       and customer_id not in (select customer_id from feedback
                               where customer_id is not null and submitted_at >= (select lines_cutoff from _retain));
