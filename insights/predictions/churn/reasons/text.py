"""Sentences as pyarrow string arrays, one per customer, built without a Python string per customer.

A sentence is formatted in Python once per distinct value (or combination of values) and pyarrow puts it in
place for every customer with that value, and joins the pieces: a 100k-customer shop is worded in a fraction of
a second. The wordings (:mod:`.wordings`) and the joining of reasons (:mod:`.explanation`) are built on these.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NO_TEXT = pa.scalar("", type=pa.large_string())


def format_each(fn: Callable, *columns: np.ndarray) -> pa.Array:
    """``fn(*values)`` for every row of the int64 or float ``columns``, called once per distinct combination of
    values (floats are told apart by their bits, so 0.0 and -0.0 stay distinct)."""
    n = len(columns[0])
    if n == 0:
        return pa.array([], type=pa.large_string())
    cols = [c.view(np.int64) if c.dtype == np.float64 else c.astype(np.int64, copy=False) for c in columns]
    if len(cols) == 1:
        uniq, inverse = _unique(cols[0])
        uniq = uniq[:, None]
    else:
        # one number per combination when the ranges allow (small whole numbers), else unique rows
        low = [int(c.min()) for c in cols]
        spans = [int(c.max()) - lo + 1 for c, lo in zip(cols, low)]
        if all(c.dtype != np.float64 for c in columns) and math.prod(spans) < 2 ** 62:
            key = np.zeros(n, dtype=np.int64)
            for c, lo, span in zip(cols, low, spans):
                key = key * span + (c - lo)
            keys, inverse = _unique(key)
            uniq = np.empty((len(keys), len(cols)), dtype=np.int64)
            for i in range(len(cols) - 1, -1, -1):
                keys, digit = np.divmod(keys, spans[i])
                uniq[:, i] = digit + low[i]
        else:
            uniq, inverse = np.unique(np.column_stack(cols), axis=0, return_inverse=True)
    values = [uniq[:, i].view(np.float64) if c.dtype == np.float64 else uniq[:, i] for i, c in enumerate(columns)]
    return decoded(inverse.reshape(-1), [fn(*row) for row in zip(*(v.tolist() for v in values))])


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for int64 values; without sorting when their range is small."""
    low, high = int(values.min()), int(values.max())
    if high - low > max(4 * len(values), 4096):
        uniq, inverse = np.unique(values, return_inverse=True)
        return uniq, inverse.reshape(-1)
    present = np.zeros(high - low + 1, dtype=bool)
    present[values - low] = True
    number = np.cumsum(present) - 1
    return np.flatnonzero(present) + low, number[values - low]


def decoded(codes: np.ndarray, table) -> pa.Array:
    """Row i: ``table[codes[i]]``, put in place by pyarrow (no Python object per row)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int64)),
                                          pa.array(list(table), type=pa.large_string())).cast(pa.large_string())


def strings(values) -> pa.Array:
    """Python strings (a list or object array, one per row) as a pyarrow string array."""
    return pa.array(values, type=pa.large_string(), from_pandas=True)


def repeat(text: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(text, type=pa.large_string()), n)


def concat(*parts: pa.Array) -> pa.Array:
    """Row by row, the sentences of ``parts`` one after the other."""
    return pc.binary_join_element_wise(*parts, NO_TEXT)


def placed(n: int, pieces: list[pa.Array], rows: list[np.ndarray]) -> pa.Array:
    """One array of ``n`` strings: ``pieces[k][j]`` at position ``rows[k][j]`` (the rows cover 0..n-1 once)."""
    where = np.empty(n, dtype=np.int64)
    where[np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)] = np.arange(n)
    joined = pa.concat_arrays(pieces) if pieces else pa.array([], type=pa.large_string())
    return joined.take(pa.array(where))


def lazy_select(n: int, cases, default: str = "") -> pa.Array:
    """Like ``np.select`` but lazy: ``cases`` are (condition, build) pairs, first match wins; ``build(rows)``
    gets the positions its condition picked (and no earlier one did) and returns their sentences; a plain
    string instead of ``build`` is the sentence for all of them."""
    pieces, positions = [], []
    free = np.ones(n, dtype=bool)
    for cond, build in cases:
        rows = np.flatnonzero(free & cond)
        free &= ~np.asarray(cond, dtype=bool)
        if len(rows):
            pieces.append(repeat(build, len(rows)) if isinstance(build, str) else build(rows))
            positions.append(rows)
    rest = np.flatnonzero(free)
    if len(rest):
        pieces.append(repeat(default, len(rest)))
        positions.append(rest)
    return placed(n, pieces, positions)


def str_column(values) -> pd.Series:
    """Python strings (a list or object array) as a pandas string column (index 0..n-1)."""
    return pd.Series(strings(values), dtype="str")


def coded_strings(codes: np.ndarray, table) -> pd.Series:
    """The string column (index 0..n-1) whose row i is ``table[codes[i]]``."""
    return pd.Series(decoded(codes, table), dtype="str")
