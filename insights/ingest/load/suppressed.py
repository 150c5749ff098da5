"""Rows of people erased at their request are not loaded again: a row whose e-mail, phone or customer id is on
the workspace's suppression list (scope ``erased``, :mod:`insights.core.suppression`) is set aside with
:data:`REASON`, before any other check (so none of its cells reaches the rejects either), and counted in the
file's report. The list holds keyed hashes only: each distinct value of the file is hashed once and looked up."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.core import suppression

REASON = "a person erased at their request (on the suppression list): not loaded"
_COLUMNS = (("email", "f_email"), ("phone", "f_phone"), ("customer_id", "f_customer_id"))


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
