-- grain: no rows (macros that flag an order line)
-- What an order line is, shared by the loader's value checks (a negative price is fine on a cancellation,
-- a return or an adjustment) and sql/staging/order_lines.sql. Temporary macros: they live in this connection.
create or replace temp macro is_non_product_line(product_id, product_name) as
    upper(trim(coalesce(product_id, ''))) in ('POST', 'DOT', 'M', 'C2', 'D', 'S', 'B', 'BANK CHARGES',
        'AMAZONFEE', 'CRUK', 'PADS', 'SHIPPING', 'FEE', 'DISCOUNT', 'ADJUST')
    or lower(coalesce(product_id, '')) like 'gift\_0001\_%' escape '\'
    or regexp_matches(lower(coalesce(product_name, '')),
        '^\s*(manual|discount|postage|shipping|carriage|adjust bad debt|bank charges|amazon fee|samples)\b|\b(postage|shipping cost|shipping fee|delivery charge|fees?|commission)\s*$');

create or replace temp macro status_says_cancelled(status) as
    regexp_matches(coalesce(lower(status), ''), '(cancel|storn|annul|void)');

create or replace temp macro status_says_returned(status) as
    regexp_matches(coalesce(lower(status), ''), '(return|refund|retour|rückgabe|devuel)');

-- an invoice number that is a C and digits (Online Retail's C536379); a hexadecimal order id that happens to
-- start with c and a digit (Olist's c3b0…) is not a cancellation
create or replace temp macro is_cancellation_number(order_id) as
    left(order_id, 1) in ('C', 'c') and substr(order_id, 2, 1) between '0' and '9'
    and regexp_full_match(order_id, '[Cc][0-9]+');
