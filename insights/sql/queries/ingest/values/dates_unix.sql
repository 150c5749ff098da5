-- grain: one row per cell of the column (cells.v, trimmed text), in the column's order
-- Unix time: 10 digits are seconds, 13 digits milliseconds since 1970.
select case when regexp_full_match(v, '\d{10}') then make_timestamp(cast(v as bigint) * 1000000)
            when regexp_full_match(v, '\d{13}') then make_timestamp(cast(v as bigint) * 1000)
       end
from cells
