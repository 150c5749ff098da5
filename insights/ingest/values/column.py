"""A column of text cells as every parser takes it, and the :class:`ParseResult` every parser returns.

A column may come as ``pa.Array``, ``pa.ChunkedArray``, ``pd.Series`` or a list; :func:`as_array` makes it one
``pa.string()`` array. :func:`spread_sample` picks the values a format is decided on, :func:`run_sql` runs one of
the packaged queries (``insights/sql/queries/ingest/values/``) over the column on a private in-memory DuckDB.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.core.db import sql_text

SAMPLE_SIZE = 5000


@dataclass
class ParseResult:
    """Typed ``values`` (null where empty or unreadable), ``errors``/``empty`` as numpy bool masks.

    ``currency`` (numbers only): the currency written with each value (``'EUR'``, ``'GBP'``, ``'$'``…) or null.
    """
    values: pa.Array
    errors: np.ndarray
    empty: np.ndarray
    currency: pa.Array | None = None

    @property
    def error_count(self) -> int:
        return int(self.errors.sum())


def as_array(column) -> pa.Array:
    """Any column of text as a ``pa.string()`` array (pandas NA/None → null)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    elif not isinstance(column, pa.Array):
        if isinstance(column, pd.Series):
            column = pa.Array.from_pandas(column.astype("string") if column.dtype != object else column)
        if not isinstance(column, pa.Array):
            column = pa.array([None if v is None else str(v) for v in column], pa.string())
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    return column


def to_numpy_bool(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def trimmed_text(arr: pa.Array) -> pa.Array:
    """The cells without surrounding spaces (a no-break space counts as one)."""
    return pc.utf8_trim_whitespace(pc.replace_substring(arr, "\u00a0", " "))


def empty_mask(trimmed: pa.Array) -> np.ndarray:
    return to_numpy_bool(pc.fill_null(pc.equal(trimmed, ""), True))


def spread_sample(values, n: int = SAMPLE_SIZE) -> list[str]:
    """Up to ``n`` non-empty trimmed values, spread over the whole column (not just its top)."""
    if isinstance(values, (list, tuple)) and all(isinstance(v, str) or v is None for v in values[:50]):
        filled = [v.strip() for v in values if v is not None and v.strip()]
        if len(filled) > n:
            idx = np.unique(np.linspace(0, len(filled) - 1, n).astype(np.int64))
            filled = [filled[i] for i in idx]
        return filled
    arr = as_array(values)
    if len(arr) > 4 * n and pa.types.is_string(arr.type):
        # a long column: find the empty cells without trimming every one (a cell is empty when it is null, ""
        # or only spaces), then trim the picked cells only: the same sample as trimming every cell
        blank = pc.or_(pc.equal(pc.utf8_length(arr), 0), pc.utf8_is_space(arr))
        rows = np.flatnonzero(~pc.fill_null(blank, True).to_numpy(zero_copy_only=False))
        if len(rows) > n:
            rows = rows[np.unique(np.linspace(0, len(rows) - 1, n).astype(np.int64))]
        return trimmed_text(arr.take(pa.array(rows))).to_pylist()
    trimmed = trimmed_text(arr)
    filled = trimmed.filter(pc.fill_null(pc.not_equal(trimmed, ""), False))
    if len(filled) > n:
        idx = np.unique(np.linspace(0, len(filled) - 1, n).astype(np.int64))
        filled = filled.take(pa.array(idx))
    return filled.to_pylist()


_BASE = None
_BASE_LOCK = threading.Lock()


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on this module's own in-memory DuckDB (not DuckDB's default connection; holds no data)."""
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            _BASE = duckdb.connect(":memory:")
        return _BASE.cursor()


def run_sql(query: str, arr: pa.Array, params: dict | None = None) -> pa.Array:
    """Run the packaged ``insights/sql/queries/ingest/values/<query>`` over the one-column table ``cells(v)``
    holding ``arr``; values only ever arrive as bound parameters. Each call has a cursor (so a ``cells``) of its own."""
    con = _cursor()
    try:
        con.register("cells", pa.table({"v": arr}))
        out = con.sql(sql_text(f"queries/ingest/values/{query}"), params=params or None).to_arrow_table()
        con.unregister("cells")
    finally:
        con.close()
    col = out.column(0)
    return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)


def make_result(values: pa.Array, empty: np.ndarray, currency: pa.Array | None = None) -> ParseResult:
    """The :class:`ParseResult` of parsed ``values``: a null that was not an empty cell is an error."""
    missing = to_numpy_bool(values.is_null())
    if empty.any():
        values = pc.if_else(pa.array(empty), pa.scalar(None, values.type), values)
    return ParseResult(values, missing & ~empty, empty, currency)
