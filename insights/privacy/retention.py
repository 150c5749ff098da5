"""Retention (GDPR art. 5(1)(e), storage limitation): personal data kept no longer than the owner decides.

Two workspace settings: ``retention_months`` — how long order lines, web events and customer records stay tied to
a person — and ``retention_feedback_text_months`` — how long the free text of feedback is kept. Unset: kept.

:func:`apply_retention` (``python -m insights retain``; a dry run first with ``dry_run=True``):

- order lines older than the cut-off keep their money, date, product and row hash but lose the customer (id,
  e-mail, phone) and get a new order id ``retired-…`` — revenue by month, the KPIs and every file's reconciliation
  stay right, and a later export holding the same lines is recognised as already loaded;
- web events and feedback answers older than it lose the customer (and a page's query string); customers with nothing (order, event, answer, sign-up) since the
  cut-off lose their CRM rows and identity merges; rejected rows of files loaded before it are deleted;
- feedback older than its own cut-off loses its text (scores stay);
- marts are rebuilt, the file rewritten (deleted bytes gone), and the run logged with its counts.

Every upload applies the same retention to what it brings (:func:`insights.ingest.load.retention.retain_on_load`).

Customer-level history older than the cut-off is gone by design: an old customer's first orders become
anonymous, so RFM, cohorts and CLV see only the kept period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from insights.core import audit
from insights.core.db import rewrite_file
from insights.ingest.load.retention import (LINES_SETTING, TEXT_SETTING, changed, cutoffs, retain_in,
                                              settings)



@dataclass(frozen=True)
class RetentionPolicy:
    """Months to keep (None: keep for ever)."""
    months: int | None = None
    feedback_text_months: int | None = None

    def describe(self) -> str:
        lines = f"{self.months} months" if self.months else "for ever"
        text = f"{self.feedback_text_months} months" if self.feedback_text_months else "for ever"
        return f"Order lines, web events and customer records are kept {lines}; feedback text {text}."


def policy(ws) -> RetentionPolicy:
    """The workspace's retention settings."""
    return RetentionPolicy(*settings(ws.con))


def set_policy(ws, months: int | None, feedback_text_months: int | None, actor: str = "owner") -> RetentionPolicy:
    """Save the settings (None: keep for ever). Months must be at least 1."""
    for value in (months, feedback_text_months):
        if value is not None and int(value) < 1:
            raise ValueError(f"Keep data at least 1 month, got {value}.")
    ws.set_setting(LINES_SETTING, None if months is None else str(int(months)))
    ws.set_setting(TEXT_SETTING, None if feedback_text_months is None else str(int(feedback_text_months)))
    new = policy(ws)
    audit.record(ws, "retain", actor, "settings", {"policy": new.describe()})
    return new


@dataclass(frozen=True)
class RetentionResult:
    """What a run removed (or, in a dry run, would remove), with the cut-offs."""
    dry_run: bool
    policy: RetentionPolicy
    lines_cutoff: str | None
    text_cutoff: str | None
    counts: dict
    file_rewritten: bool = False

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "policy": self.policy.describe(), "lines_cutoff": self.lines_cutoff,
                "text_cutoff": self.text_cutoff, "counts": self.counts, "file_rewritten": self.file_rewritten}

    def lines(self) -> list[str]:
        c = self.counts
        verb = "would" if self.dry_run else "did"
        out = [self.policy.describe()]
        if self.lines_cutoff:
            out.append(f"Before {self.lines_cutoff[:10]}: {c['order_lines_anonymised']:,} order lines of "
                       f"{c['orders_anonymised']:,} orders, {c['events_anonymised']:,} web events and "
                       f"{c['feedback_anonymised']:,} answers {verb} lose "
                       f"their customer (money and counts kept); {c['customer_records_removed']:,} CRM rows of "
                       f"{c['customers_removed']:,} customers with nothing since and {c['rejects_removed']:,} "
                       f"rejected rows {verb} go.")
        if self.text_cutoff:
            out.append(f"Before {self.text_cutoff[:10]}: {c['feedback_texts_removed']:,} feedback comments {verb} "
                       "lose their text (scores kept).")
        if self.dry_run:
            out.append("Dry run: nothing was changed.")
        return out


def apply_retention(ws, dry_run: bool = False, today: dt.date | None = None, actor: str = "owner",
                    override: RetentionPolicy | None = None) -> RetentionResult:
    """Apply the workspace's retention (or ``override``) as of ``today`` (default: the clock's date)."""
    rules = override or policy(ws)
    lines_cutoff, text_cutoff = cutoffs(rules.months, rules.feedback_text_months, today)
    con = ws.con
    with ws.transaction():
        counts = retain_in(con, lines_cutoff, text_cutoff, dry_run)
        if not dry_run and changed(counts):
            ws.build_marts_in(con)
        if not dry_run:
            audit.record(con, "retain", actor, f"{counts['order_lines_anonymised']:,} lines",
                         {"policy": rules.describe(), "counts": counts})
    rewritten = rewrite_file(con) if not dry_run and changed(counts) else False
    return RetentionResult(dry_run, rules, lines_cutoff.isoformat(sep=" ") if lines_cutoff else None,
                           text_cutoff.isoformat(sep=" ") if text_cutoff else None, counts, rewritten)
