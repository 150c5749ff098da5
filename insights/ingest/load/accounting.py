"""Every row of a file accounted for: the rows not kept written where the owner can read them (``rejects``:
row, column, value, reason; ``set_aside``: row, reason) and counted in the file's report, so that
``rows_read = rows_loaded + rows_rejected + rows_set_aside``; what the owner should look at (identical rows
kept, amounts that cannot be read, values that cannot be right) becomes the report's ``warnings``."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from insights.ingest.mapping.fields import FIELD_LABELS
from insights.ingest.load.report import FileReport
from insights.ingest.load.rules import KEEP, REJECTED, ROW_ID_FIELD, checks_for
from insights.ingest.load.stage import Staged
from insights.ingest.load.spend import FOOTER_REASON
from insights.ingest.load.suppressed import scrub_ragged
from insights.ingest.mapping.spend_files import is_footer

FIRST_IDENTICAL = 5          # identical rows kept: how many the report lists
FIRST_UNREADABLE = 20        # unreadable amounts: how many texts the report lists
_WHAT_ROWS_ARE = {"transactions": "purchase", "events": "event", "feedback": "answer", "spend": "spend row"}


def account_rows(con, plan, staged: Staged, ragged: list, report: FileReport) -> None:
    """Write the rejected and set-aside rows of a classified file and count every fate in ``report``.
    ``ragged``: the rows the reader could not split into the header's columns."""
    fid = report.file_id
    # a report's copyright line (Microsoft Advertising's last line) cannot be split into the header's columns:
    # it is the report's footer, set aside with that reason, never a rejected row
    footers = [r for r in ragged if _is_footer_line(_ragged_value(r))]
    ragged = [r for r in ragged if r not in footers]
    if footers and not ragged:     # the reader's note counted the footer as an unreadable row
        report.notes = [n for n in report.notes if "(wrong number of fields)" not in n]
    if footers:
        con.executemany("insert into set_aside values (?, ?, ?)", [(fid, _ragged_row(r), FOOTER_REASON)
                                                                  for r in footers])
    # rejects: ragged rows from the reader, then unreadable or missing required values
    if ragged:
        kept = scrub_ragged(con, [(_ragged_row(r), _ragged_reason(r), _ragged_value(r)) for r in ragged])
        con.executemany("insert into rejects values (?, ?, ?, ?, ?)",
                        [(fid, row, None, value, reason) for row, reason, value in kept])
    _insert_rejects(con, plan, staged, fid)
    if staged.aside:
        _insert_frame(con, "set_aside", pd.DataFrame(
            {"file_id": fid, "source_row": staged.rows[[i for i, _ in staged.aside]],
             "reason": [r for _, r in staged.aside]}).sort_values("source_row", kind="stable"))
    checks = staged.checks or checks_for(plan)
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
    if footers:
        aside[FOOTER_REASON] = aside.get(FOOTER_REASON, 0) + len(footers)
    report.set_aside_by_reason = dict(sorted(aside.items(), key=lambda kv: -kv[1]))
    report.rows_set_aside = sum(aside.values())
    report.rows_loaded = int((staged.state == KEEP).sum())
    _report_identical(plan, staged, report)
    _report_unreadable_money(plan, staged, report)
    _report_bad_values(plan, staged, report, checks)


def _report_identical(plan, staged: Staged, report: FileReport) -> None:
    """Identical rows kept (nothing in the file tells them apart): counted, the first few listed, and a warning
    that offers to set them aside."""
    if not staged.identical:
        return
    report.identical_rows_kept = len(staged.identical)
    report.identical_rows_first = [{"row": int(staged.rows[i]), "same_as_row": same}
                                   for i, same in staged.identical[:FIRST_IDENTICAL]]
    n = len(staged.identical)
    id_label = FIELD_LABELS.get(ROW_ID_FIELD.get(plan.kind, ""), "id")
    first = ", ".join(f"row {d['row']:,} = row {d['same_as_row']:,}" for d in report.identical_rows_first)
    report.warnings.append(
        f"{n:,} identical row{'s' if n != 1 else ''} kept — set them aside? The file has no "
        f"{id_label.lower()} column to tell them apart, so each counts as a separate "
        f"{_WHAT_ROWS_ARE.get(plan.kind, 'row')} ({first}{' …' if n > FIRST_IDENTICAL else ''}). To set them "
        "aside, load again with “Set aside identical rows” (command line: --set-aside-identical).")


def _report_unreadable_money(plan, staged: Staged, report: FileReport) -> None:
    """Rows whose money cannot be read: how many, and the text each had (an unreadable amount cannot be
    summed, so it is not in ``revenue_read``)."""
    if plan.kind != "transactions" or plan.role == "orders":
        return
    money_fields = ["unit_price", "line_total"] + (["quantity"] if plan.mapping.get("unit_price") is not None
                                                   else [])
    unreadable = np.zeros(staged.n, dtype=bool)
    for fld in money_fields:
        if plan.mapping.get(fld) is not None:
            unreadable |= staged.bad[fld]
    if not unreadable.any():
        return
    data = plan.raw.data
    listed = []
    for i in np.flatnonzero(unreadable)[:FIRST_UNREADABLE]:
        for fld in money_fields:
            idx = plan.mapping.get(fld)
            if idx is not None and staged.bad[fld][i]:
                listed.append({"row": int(staged.rows[i]), "column": plan.columns[idx],
                               "text": str(data.column(idx)[int(i)].as_py())[:100]})
    n = int(unreadable.sum())
    report.rows_amount_unreadable = n
    report.amounts_unreadable = listed
    texts = ", ".join(f"row {d['row']:,} “{d['text']}”" for d in listed[:5])
    report.warnings.append(
        f"{n:,} row{'s' if n != 1 else ''} with an amount that cannot be read ({texts}"
        f"{' …' if n > 5 else ''}): rejected; how much money they hold is unknown, so it is not in the "
        "revenue read (an unreadable amount cannot be added up).")


def _report_bad_values(plan, staged: Staged, report: FileReport, checks: list[tuple]) -> None:
    """One warning per value check of ``bad_values`` that rejected rows (the count, the first rows)."""
    base = len(checks_for(plan))
    rejected = staged.state == REJECTED
    data = plan.raw.data
    for k in range(base, len(checks)):
        rows = np.flatnonzero(rejected & (staged.check == k))
        if not len(rows):
            continue
        fld, _, reason = checks[k]
        idx = plan.mapping.get(fld)
        shown = ", ".join(f"row {int(staged.rows[i]):,}" + (f" “{data.column(idx)[int(i)].as_py()}”"
                                                            if idx is not None else "") for i in rows[:3])
        report.warnings.append(f"{len(rows):,} row{'s' if len(rows) != 1 else ''} rejected: {reason} "
                               f"({shown}{' …' if len(rows) > 3 else ''}).")


def _insert_rejects(con, plan, staged: Staged, fid: str) -> None:
    """One rejects row per rejected row: its row number, the column, the value as written, the reason."""
    rejected = np.flatnonzero(staged.state == REJECTED)
    if not len(rejected):
        return
    checks = staged.checks or checks_for(plan)
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


def _is_footer_line(text: str | None) -> bool:
    return bool(text) and is_footer(next(csv.reader([text]), []))


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
