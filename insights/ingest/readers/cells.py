"""Typed cells (a workbook's or a Parquet file's) as the text a spreadsheet shows: dates ISO, numbers with
15 significant digits as Excel shows them, whole floats without '.0'."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$")
_FLOAT_NOISE = r"^-?\d+\.\d*(0000000\d|9999999\d)\d*$"


def excel_text(col) -> pa.Array:
    """A sheet column as text: dates ISO (``2024-03-31``, or with the time when it has one), numbers as
    Excel shows them (15 significant digits: ``0.30000000000000004`` → ``0.3``)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not pa.types.is_string(arr.type):
        arr = to_text(arr)
    if pc.any(pc.fill_null(pc.ends_with(arr, " 00:00:00"), False)).as_py():   # cheap literal checks first
        arr = pc.replace_substring_regex(arr, r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1")
    if not pc.any(pc.fill_null(pc.or_(pc.match_substring(arr, "0000000"), pc.match_substring(arr, "9999999")),
                               False)).as_py():
        return arr
    noisy = pc.fill_null(pc.match_substring_regex(arr, _FLOAT_NOISE), False)
    if pc.any(noisy).as_py():
        values = arr.to_pylist()
        for i in np.flatnonzero(noisy.to_numpy(zero_copy_only=False)):
            values[i] = _fifteen_digits(values[i])
        arr = pa.array(values, pa.string())
    return arr


def _fifteen_digits(text: str) -> str:
    value = float(text)
    out = format(value, ".15g")
    if "e" in out:
        return text
    return out


def to_text(arr: pa.Array) -> pa.Array:
    """Any Arrow column as text: timestamps ISO (no time when midnight), whole floats without '.0'."""
    t = arr.type
    if pa.types.is_dictionary(t):
        arr, t = arr.dictionary_decode(), t.value_type
    if pa.types.is_string(t):
        return arr
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return arr.cast(pa.string())
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            arr = pc.local_timestamp(arr)
        text = pc.strftime(arr.cast(pa.timestamp("us")), format="%Y-%m-%d %H:%M:%S")  # seconds carry ".ffffff"
        return pc.replace_substring_regex(pc.replace_substring_regex(text, r"(\.\d*?)0+$", r"\1"), r"\.$", "")
    if pa.types.is_date(t):
        return pc.strftime(arr.cast(pa.timestamp("s")), format="%Y-%m-%d")
    if pa.types.is_floating(t):
        values = arr.to_numpy(zero_copy_only=False).astype(np.float64)
        mask = ~np.isfinite(values)
        out = [None if m else (str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(float(v)))
               for v, m in zip(values.tolist(), mask.tolist())]
        return pa.array(out, pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.string())
    try:
        return arr.cast(pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())
