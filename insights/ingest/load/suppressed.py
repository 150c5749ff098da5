"""Rows of people erased at their request are not loaded again: a row whose e-mail, phone or customer id is on
the workspace's suppression list (scope ``erased``, :mod:`insights.core.suppression`) is set aside with
:data:`REASON`, before any other check (so none of its cells reaches the rejects either), and counted in the
file's report. The list holds keyed hashes only: each distinct value of the file is hashed once and looked up."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.core import suppression

REASON = "a person erased at their request (on the suppression list): not loaded"
_COLUMNS = (("email", "f_email"), ("phone", "f_phone"), ("customer_id", "f_customer_id"))
_CELLS = re.compile(r"[,;\t|]")
RAGGED_NOTE = " — the row quotes a person erased at their request, so its text is not kept"


def suppressed_mask(con, staged) -> np.ndarray:
    """Per row of ``staged``: does it carry an identifier of an erased person? All false (and no hashing) when
    nobody was erased."""
    mask = np.zeros(staged.n, dtype=bool)
    listed = suppression.suppressed(con, suppression.ERASED)
    if not listed:
        return mask
    key = suppression.hash_key(con)
    for kind, column in _COLUMNS:
        values = staged.columns.get(column)
        if values is None or values.null_count == len(values):
            continue
        distinct = pc.unique(values).to_pylist()
        hit = [v for v in distinct if v is not None and suppression.keyed_hash(key, kind, v) in listed]
        if hit:
            found = pc.is_in(values, value_set=pa.array(hit, values.type))
            mask |= pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return mask


def scrub_ragged(con, rows: list) -> list:
    """The reader's unreadable rows (``(row, reason, text)``) with the text of any row that quotes an erased
    person's e-mail, phone or customer id dropped and the reason saying so: such a row is still counted as
    rejected, but nothing of the person reaches the ``rejects`` table."""
    listed = suppression.suppressed(con, suppression.ERASED)
    if not listed or not rows:
        return rows
    key = suppression.hash_key(con)
    out = []
    for row in rows:
        number, reason, text = row[0], row[1], (row[2] if len(row) > 2 else None)
        cells = [c.strip().strip('"').strip() for c in _CELLS.split(str(text or ""))]
        if any(suppression.keyed_hash(key, kind, cell) in listed
               for cell in cells if cell for kind in ("email", "phone", "customer_id")):
            out.append((number, f"{reason or 'unreadable row'}{RAGGED_NOTE}", None))
        else:
            out.append(row)
    return out
