"""Ids as text (:func:`parse_ids`): trimmed, leading zeros kept, spreadsheet noise (``17850.0``, ``'7401…``) undone."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.values.column import ParseResult, as_array, empty_mask, make_result, run_sql, trimmed_text


def parse_ids(values) -> ParseResult:
    """Ids as text: trimmed, leading zeros kept, ``17850.0`` → ``17850``, ``1.785E+04`` → ``17850``.

    A leading apostrophe (``'7401000000000``, how a spreadsheet keeps a long number as text) is dropped.
    Scientific notation is turned back into digits only when it is exact; ``1.23457E+11`` (what Excel
    shows for a 12-digit id) lost digits that cannot be recovered, so it is an error.
    """
    arr = as_array(values)
    empty = empty_mask(trimmed_text(arr))
    if not pc.any(pc.fill_null(pc.match_substring_regex(arr, r"(\.0+\s*$)|\d[eE]|^\s|\s$|^'|" + "\u00a0"), False)).as_py():
        out = arr  # nothing to rewrite
        return make_result(pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), out) if empty.any() else out,
                           empty)
    return make_result(run_sql("ids.sql", arr).cast(pa.string()), empty)
