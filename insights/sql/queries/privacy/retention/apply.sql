-- grain: the retention applied (after working_sets.sql): old personal data removed, the money and counts kept
-- Old lines keep their money (revenue by month stays right) and their row hash (a later export holding them is
-- recognised as already loaded, not loaded again), but no customer: the order gets a new id "retired-…".
update order_lines set customer_id = null, source_customer_id = null, email = null, phone = null, customer_name = null, is_guest = true,
       order_id = (select o.new_id from _retain_orders o where o.order_id = order_lines.order_id)
where line_id in (from _retain_lines);
update order_attributes set order_id = (select o.new_id from _retain_orders o where o.order_id = order_attributes.order_id)
where order_id in (select order_id from _retain_orders);
update order_money set order_id = (select o.new_id from _retain_orders o where o.order_id = order_money.order_id)
where order_id in (select order_id from _retain_orders);
update events set order_id = (select o.new_id from _retain_orders o where o.order_id = events.order_id)
where order_id in (select order_id from _retain_orders);
update feedback set order_id = (select o.new_id from _retain_orders o where o.order_id = feedback.order_id)
where order_id in (select order_id from _retain_orders);
-- a page's query string can carry an address (?email=…): old events keep the path only
update events set customer_id = null, source_customer_id = null, email = null,
       page = regexp_replace(page, '[?#].*$', '')
where event_id in (from _retain_events);
update feedback set customer_id = null, source_customer_id = null, email = null
where feedback_id in (from _retain_feedback);
update feedback set text = null where text is not null and submitted_at < (select text_cutoff from _retain);
delete from identity_merges where customer_id in (from _retain_people);
delete from customer_records where customer_id in (from _retain_people);
delete from rejects where file_id in (select file_id from files where loaded_at < (select lines_cutoff from _retain));
