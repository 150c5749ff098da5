-- grain: one row per cell of the column (cells.v, trimmed text), in the column's order
-- Unix time: 10 digits are seconds, 13 digits milliseconds, 16 digits microseconds since 1970 (GA4's event_timestamp).
select case when regexp_full_match(v, '\d{10}') then make_timestamp(cast(v as bigint) * 1000000)
            when regexp_full_match(v, '\d{13}') then make_timestamp(cast(v as bigint) * 1000)
            when regexp_full_match(v, '\d{16}') then make_timestamp(cast(v as bigint))
       end
from cells
