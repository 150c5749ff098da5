-- grain: the erasure's working sets, from the registered frame _erase_keys_df (kind, value): ids, e-mails, phones, names, and new ids for the person's orders and sessions
create or replace temp table _erase_ids as select distinct value from _erase_keys_df where kind = 'customer_id';
create or replace temp table _erase_emails as select distinct lower(value) as value from _erase_keys_df where kind = 'email';
create or replace temp table _erase_phones as select distinct value from _erase_keys_df where kind = 'phone';
create or replace temp table _erase_names as select distinct value from _erase_keys_df where kind = 'name';
create or replace temp table _erase_lines as
    select line_id from order_lines
    where customer_id in (from _erase_ids) or source_customer_id in (from _erase_ids)
       or lower(email) in (from _erase_emails) or phone in (from _erase_phones);
create or replace temp table _erase_orders as
    select order_id, 'erased-' || substr(replace(gen_random_uuid()::varchar, '-', ''), 1, 16) as new_id
    from (select distinct order_id from order_lines where line_id in (from _erase_lines));
create or replace temp table _erase_events as
    select event_id from events
    where customer_id in (from _erase_ids) or source_customer_id in (from _erase_ids) or lower(email) in (from _erase_emails);
create or replace temp table _erase_sessions as
    select session_id, 'erased-' || substr(replace(gen_random_uuid()::varchar, '-', ''), 1, 16) as new_id
    from (select distinct session_id from events where event_id in (from _erase_events) and session_id is not null);
create or replace temp table _erase_feedback as
    select feedback_id from feedback
    where customer_id in (from _erase_ids) or source_customer_id in (from _erase_ids) or lower(email) in (from _erase_emails);
