-- grain: one row per cell of the column (cells.v, canonical number text), in the column's order
-- Exponents, more than 4 decimals and rounding, as DuckDB casts them; out of range -> null.
select try_cast(v as decimal(18, 4)) from cells
