"""The workspace's retention applied inside a transaction: the engine of :mod:`insights.privacy.retention` (the
``retain`` command, the Privacy page) and of every upload, which applies the owner's retention to what it brings
(an old export loaded today is trimmed before it reaches the marts).

:func:`retain_in` runs ``sql/queries/privacy/retention/*.sql``: old identified order lines, events and answers keep
their money and counts without the customer; CRM rows of people with nothing since the cut-off, their identity
merges and rejected rows of files loaded before it go; old feedback loses its text. It returns the counts; it does
not rebuild marts, log or rewrite the file — its caller does.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core import audit, scores
from insights.core.db import first_row, query_rows, sql_text

LINES_SETTING = "retention_months"
TEXT_SETTING = "retention_feedback_text_months"


def settings(con) -> tuple[int | None, int | None]:
    """(months to keep lines, events and CRM rows; months to keep feedback text), None where unset."""
    def months(key):
        row = first_row(con.execute("select value from workspace_meta where key = ?", ["setting:" + key]))
        return int(row[0]) if row and row[0] else None
    return months(LINES_SETTING), months(TEXT_SETTING)


def cutoffs(months: int | None, text_months: int | None,
            today: dt.date | None = None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants before which data is too old, ``months`` before ``today`` (the clock's date by default)."""
    today = pd.Timestamp(today or dt.date.today())

    def back(n):
        return None if n is None else (today - pd.DateOffset(months=int(n))).to_pydatetime()
    return back(months), back(text_months)


def retain_in(con, lines_cutoff: dt.datetime | None, text_cutoff: dt.datetime | None,
              dry_run: bool = False) -> dict:
    """Apply (or, with ``dry_run``, count) the retention inside the caller's transaction; the counts."""
    con.execute(sql_text("queries/privacy/retention/prepare.sql"),
                {"lines_cutoff": lines_cutoff, "text_cutoff": text_cutoff})
    try:
        con.execute(sql_text("queries/privacy/retention/working_sets.sql"))
        row = con.execute(sql_text("queries/privacy/retention/counts.sql")).df().iloc[0]
        counts = {k: (int(v) if k != "oldest_line" else (None if pd.isna(v) else str(v))) for k, v in row.items()}
        if not dry_run and changed(counts):
            people = [r[0] for r in query_rows(con, "queries/privacy/retention/people.sql")]
            con.execute(sql_text("queries/privacy/retention/apply.sql"))
            counts["scores_removed"] = sum(scores.forget(con, people).values())
    finally:
        con.execute(sql_text("queries/privacy/retention/cleanup.sql"))
    return counts


def changed(counts: dict) -> bool:
    return any(v for k, v in counts.items() if k not in ("oldest_line", "scores_removed"))


def retain_on_load(con) -> dict:
    """An upload's step: the workspace's retention applied to the data as it now stands (counts; empty when no
    retention is set). Logged in the privacy log when it removed anything."""
    months, text_months = settings(con)
    if months is None and text_months is None:
        return {}
    lines_cutoff, text_cutoff = cutoffs(months, text_months)
    counts = retain_in(con, lines_cutoff, text_cutoff)
    if changed(counts):
        audit.record(con, "retain", "upload", f"{counts['order_lines_anonymised']:,} lines",
                     {"policy": {"months": months, "feedback_text_months": text_months}, "counts": counts})
    return counts
