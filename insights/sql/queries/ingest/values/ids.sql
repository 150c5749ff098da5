-- grain: one row per cell of the column (cells.v, as written), in the column's order
-- An id as text: trimmed, a leading apostrophe dropped, leading zeros kept, 17850.0 -> 17850, 1.785E+04 -> 17850 when exact, else null.
select case
    when x is null or x = '' then null
    when regexp_full_match(x, '-?\d+\.0+') then regexp_replace(x, '\.0+$', '')
    when regexp_full_match(x, '\d(\.\d+)?[eE]\+?\d+') then
        case when try_cast(x as double) < 1e15
                  and try_cast(x as decimal(38, 10)) = floor(try_cast(x as decimal(38, 10)))
                  and length(cast(cast(try_cast(x as decimal(38, 10)) as hugeint) as varchar))
                      - length(regexp_replace(regexp_extract(x, '^[^eE]+'), '[^0-9]', '', 'g')) <= 2
             then cast(cast(try_cast(x as decimal(38, 10)) as hugeint) as varchar)
        end
    else x end
-- a spreadsheet's text escape ('7401000000000: the apostrophe that keeps an id as text) is not part of the id
from (select regexp_replace(trim(replace(v, chr(160), ' ')), '^''(\S)', '\1') as x from cells)
