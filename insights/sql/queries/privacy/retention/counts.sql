-- grain: one row: what the retention removes (after working_sets.sql)
select
    (select count(*) from _retain_lines)                                                      as order_lines_anonymised,
    (select count(*) from _retain_orders)                                                     as orders_anonymised,
    (select count(*) from _retain_events)                                                     as events_anonymised,
    (select count(*) from _retain_feedback)                                                   as feedback_anonymised,
    (select count(*) from feedback where text is not null and submitted_at < (select text_cutoff from _retain))
                                                                                              as feedback_texts_removed,
    (select count(*) from customer_records where customer_id in (from _retain_people))        as customer_records_removed,
    (select count(distinct customer_id) from _retain_people)                                  as customers_removed,
    (select count(*) from identity_merges where customer_id in (from _retain_people))         as identity_merges_removed,
    (select count(*) from rejects r join files f on f.file_id = r.file_id
     where f.loaded_at < (select lines_cutoff from _retain))                                  as rejects_removed,
    (select min(ordered_at) from order_lines where line_id in (from _retain_lines))           as oldest_line
