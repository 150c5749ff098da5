-- grain: one row per cell of the column (cells.v, trimmed text), in the column's order
-- An Excel date number (days since 1899-12-30, Excel's 1900 leap-year bug included) between $lo and $hi.
select case when regexp_full_match(v, '\d{5}(\.\d+)?') and try_cast(v as double) between $lo and $hi
            then (timestamp '1899-12-30'
                  + to_microseconds(cast(round(try_cast(v as double) * 86400000000) as bigint)))::timestamp
       end
from cells
