"""Every row of a file accounted for: the rows not kept written where the owner can read them (``rejects``:
row, column, value, reason; ``set_aside``: row, reason) and counted in the file's report, so that
``rows_read = rows_loaded + rows_rejected + rows_set_aside``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from insights.ingest.mapping.fields import FIELD_LABELS
from insights.ingest.load.report import FileReport
from insights.ingest.load.rules import KEEP, REJECTED, checks_for
from insights.ingest.load.stage import Staged


def account_rows(con, plan, staged: Staged, ragged: list, report: FileReport) -> None:
    """Write the rejected and set-aside rows of a classified file and count every fate in ``report``.
    ``ragged``: the rows the reader could not split into the header's columns."""
    fid = report.file_id
    # rejects: ragged rows from the reader, then unreadable or missing required values
    if ragged:
        con.executemany("insert into rejects values (?, ?, ?, ?, ?)",
                        [(fid, _ragged_row(r), None, _ragged_value(r), _ragged_reason(r)) for r in ragged])
    _insert_rejects(con, plan, staged, fid)
    if staged.aside:
        _insert_frame(con, "set_aside", pd.DataFrame(
            {"file_id": fid, "source_row": staged.rows[[i for i, _ in staged.aside]],
             "reason": [r for _, r in staged.aside]}).sort_values("source_row", kind="stable"))
    checks = checks_for(plan)
    reasons: dict[str, int] = {}
    for i, count in zip(*np.unique(staged.check[staged.state == REJECTED], return_counts=True)):
        reasons[checks[i][2]] = reasons.get(checks[i][2], 0) + int(count)
    for r in ragged:
        key = _ragged_reason(r)
        reasons[key] = reasons.get(key, 0) + 1
    report.rejected_by_reason = dict(sorted(reasons.items(), key=lambda kv: -kv[1]))
    report.rows_rejected = sum(reasons.values())
    aside: dict[str, int] = {}
    for _, reason in staged.aside:
        key = "exact duplicate of an earlier row" if reason.startswith("exact duplicate") else reason
        aside[key] = aside.get(key, 0) + 1
    report.set_aside_by_reason = dict(sorted(aside.items(), key=lambda kv: -kv[1]))
    report.rows_set_aside = sum(aside.values())
    report.rows_loaded = int((staged.state == KEEP).sum())


def _insert_rejects(con, plan, staged: Staged, fid: str) -> None:
    """One rejects row per rejected row: its row number, the column, the value as written, the reason."""
    rejected = np.flatnonzero(staged.state == REJECTED)
    if not len(rejected):
        return
    checks = checks_for(plan)
    data = plan.raw.data
    rows = []
    for i in rejected[np.argsort(staged.rows[rejected], kind="stable")]:
        fld, _, reason = checks[staged.check[i]]
        col_idx = plan.mapping.get(fld)
        col = plan.columns[col_idx] if col_idx is not None else FIELD_LABELS[fld]
        value = data.column(col_idx)[int(i)].as_py() if col_idx is not None else None
        rows.append((fid, int(staged.rows[i]), col, None if value is None else str(value)[:500], reason))
    _insert_frame(con, "rejects", pd.DataFrame(rows, columns=["file_id", "source_row", "column_name", "value",
                                                              "reason"]))


def _insert_frame(con, table: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    try:
        con.execute(f'insert into "{table}" select * from _frame')  # fixed table names
    finally:
        con.unregister("_frame")


def _ragged_row(item) -> int | None:
    return getattr(item, "row", item[0] if isinstance(item, (tuple, list)) else None)


def _ragged_value(item) -> str | None:
    value = getattr(item, "value", None)
    if value is None and isinstance(item, (tuple, list)) and len(item) > 2:
        value = item[2]
    return None if value is None else str(value)[:500]


def _ragged_reason(item) -> str:
    reason = getattr(item, "reason", None)
    if reason is None and isinstance(item, (tuple, list)) and len(item) > 1:
        reason = item[1]
    return str(reason or "the row has a different number of columns than the header")
