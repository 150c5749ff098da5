-- grain: one row per cell of the column (cells.v, trimmed text), in the column's order
-- The cell read with the column's strptime formats ($formats, tried in order), else as ISO ($iso), else (a stray
-- cell Excel turned into a number) as an Excel date number between $lo and $hi (days since 1899-12-30).
select coalesce(try_strptime(v, $formats),
                case when regexp_full_match(v, $iso) then try_cast(v as timestamp) end,
                case when regexp_full_match(v, '\d{5}(\.\d+)?') and try_cast(v as double) between $lo and $hi
                     then (timestamp '1899-12-30'
                           + to_microseconds(cast(round(try_cast(v as double) * 86400000000) as bigint)))::timestamp
                end)
from cells
