-- grain: one row per cell of the column (cells.v, trimmed text), in the column's order
-- The cell read with the column's strptime formats ($formats, tried in order), else as ISO ($iso).
select coalesce(try_strptime(v, $formats),
                case when regexp_full_match(v, $iso) then try_cast(v as timestamp) end)
from cells
