-- grain: one row: how many rows of each table hold the person (after prepare.sql)
select
    (select count(*) from _erase_lines)                                               as order_lines,
    (select count(*) from _erase_orders)                                              as orders,
    (select count(*) from order_attributes where order_id in (select order_id from _erase_orders)) as order_attributes,
    (select count(*) from order_money where order_id in (select order_id from _erase_orders))      as order_money,
    (select count(*) from customer_records
     where customer_id in (from _erase_ids) or source_customer_id in (from _erase_ids)
        or lower(email) in (from _erase_emails) or phone in (from _erase_phones))   as customer_records,
    (select count(*) from _erase_events)                                              as events,
    (select count(*) from _erase_feedback)                                            as feedback,
    (select count(*) from identity_merges
     where customer_id in (from _erase_ids) or merged_key in (from _erase_ids)
        or merged_key in (from _erase_emails) or merged_key in (from _erase_phones))  as identity_merges,
    (select count(*) from rejects
     where value is not null and (regexp_matches(value, (select value from _erase_keys_df where kind = 'pattern'), 'i')
                                  or value in (from _erase_ids)))             as rejects
