-- grain: the person's rows (after prepare.sql) removed, or kept without anything that names them where they carry money or scores
-- Order lines keep their money, so revenue and every file's report still reconcile to the cent; the order gets a
-- new id ("erased-…") everywhere it appears, since the shop's own order number leads back to the person.
update order_lines set customer_id = null, source_customer_id = null, email = null, phone = null, customer_name = null,
       is_guest = true, row_hash = null,
       order_id = (select o.new_id from _erase_orders o where o.order_id = order_lines.order_id)
where line_id in (from _erase_lines);
delete from order_attributes
where order_id in (select order_id from _erase_orders)
  and regexp_matches(value, (select value from _erase_keys_df where kind = 'pattern'), 'i');
update order_attributes set order_id = (select o.new_id from _erase_orders o where o.order_id = order_attributes.order_id)
where order_id in (select order_id from _erase_orders);
update order_money set order_id = (select o.new_id from _erase_orders o where o.order_id = order_money.order_id)
where order_id in (select order_id from _erase_orders);
update events set order_id = (select o.new_id from _erase_orders o where o.order_id = events.order_id)
where order_id in (select order_id from _erase_orders);
update feedback set order_id = (select o.new_id from _erase_orders o where o.order_id = feedback.order_id)
where order_id in (select order_id from _erase_orders);
-- the CRM rows are nothing but the person
delete from customer_records
where customer_id in (from _erase_ids) or source_customer_id in (from _erase_ids)
   or lower(email) in (from _erase_emails) or phone in (from _erase_phones);
-- events and answers keep what counts (the step, the score) without the person; a comment's text can name them
update events set customer_id = null, source_customer_id = null, email = null, row_hash = null,
       session_id = (select s.new_id from _erase_sessions s where s.session_id = events.session_id),
       page = case when regexp_matches(page, (select value from _erase_keys_df where kind = 'pattern'), 'i')
                   then null else page end
where event_id in (from _erase_events);
update feedback set customer_id = null, source_customer_id = null, email = null, text = null, row_hash = null
where feedback_id in (from _erase_feedback);
-- bookkeeping: identity merges name the keys; a rejected row keeps the text it had
delete from identity_merges
where customer_id in (from _erase_ids) or merged_key in (from _erase_ids)
   or merged_key in (from _erase_emails) or merged_key in (from _erase_phones);
delete from rejects
where value is not null and (regexp_matches(value, (select value from _erase_keys_df where kind = 'pattern'), 'i')
                             or value in (from _erase_ids));
-- a file's report quotes values it could not read: the person's are blanked
update files set report = regexp_replace(report::varchar, (select value from _erase_keys_df where kind = 'pattern'),
                                         '[erased]', 'gi')::json
where regexp_matches(report::varchar, (select value from _erase_keys_df where kind = 'pattern'), 'i');
