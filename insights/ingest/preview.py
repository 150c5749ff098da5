"""Before anything is loaded, the owner sees and confirms: what a load of prepared files would do, and whether
it may go ahead without asking.

    preview = preview_load(ws, plans)                  # the real load, rolled back: nothing changes
    preview.needs_confirmation                         # the questions, in the owner's words ([] = go ahead)
    preview, report = load_unless_unsure(ws, plans, confirmed=False)   # one load: committed only if sure

The expected outcome is not estimated: the whole batch is loaded by :func:`insights.ingest.load_prepared` inside
its transaction, on the workspace it would go into (so rows already there are set aside as they would be), and
read at the last step before the summaries are rebuilt (:mod:`insights.ingest.load.preview_rows`); then rolled
back, or — for :func:`load_unless_unsure` when nothing needs confirming — finished and committed.

What needs confirming (each a :class:`Confirmation`):
- ``kind``: the kind was detected, not given, with ``kind_confidence`` below :data:`KIND_SURE_FROM` (the kinds'
  evidence is close: a tie between two kinds scores at most 0.5; every vendor export of
  ``tests/ingest/vendor_exports`` but Etsy's orders table scores 0.73 or more);
- ``rejects``: more than :data:`REJECT_SHARE` of a file's rows would be rejected for one reason (a big reject
  share is almost always a wrong guess of kind or mapping, not bad data);
- ``plan``: the plan itself asks — any prepared file may carry ``plan.confirmations``, a list of questions in
  the owner's words (e.g. "the column Ship by would date the orders"); they are asked as they are.
Choosing the kind (``plan.set_kind``) or confirming it (:func:`confirm_kind`) makes it certain; changing the
mapping changes the outcome.

A workspace takes one load at a time: a second load of the same workspace in this process waits up to
``wait`` seconds, then raises :class:`WorkspaceBusy` (another process cannot open a workspace in use at all:
DuckDB locks the file).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Sequence

import pandas as pd

from insights.core.workspace import Workspace
from insights.ingest.load.batch import load_prepared
from insights.ingest.load.preview_rows import batch_report, file_ids, first_rows
from insights.ingest.load.report import FileReport, IngestReport
from insights.ingest.mapping.headers import GUESS_BELOW

KIND_SURE_FROM = GUESS_BELOW   # 0.6: one recognised order number and nothing else; a tie is at most 0.5
REJECT_SHARE = 0.01            # more than 1% of a file's rows rejected for one reason needs a look
PREVIEW_ROWS = 10
KIND_IN_WORDS = {"transactions": "a file of orders or order lines", "customers": "a customer list",
                 "events": "an export of web or app events", "feedback": "a file of survey answers or reviews",
                 "spend": "a marketing spend report"}


class WorkspaceBusy(RuntimeError):
    """The workspace is being loaded by someone else; try again when that load finishes."""


@dataclass
class Confirmation:
    file: str
    reason: str          # kind | rejects | plan
    question: str        # in the owner's words

    def to_dict(self) -> dict:
        return {"file": self.file, "reason": self.reason, "question": self.question}


@dataclass
class FilePreview:
    """One file before loading: what was recognised, its first rows parsed, and what the load would do."""
    name: str
    kind: str
    kind_confidence: float
    kind_runner_up: str | None
    mapping: dict[str, str]              # canonical field -> the file's header
    date_order: str | None
    outcome: FileReport                  # rows that would load, be rejected (by reason), be set aside; revenue
    rows: pd.DataFrame                   # the first rows: Row, Outcome, then parsed values by field label
    confirmations: list[Confirmation] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = {"name": self.name, "kind": self.kind, "kind_confidence": self.kind_confidence,
               "kind_runner_up": self.kind_runner_up, "mapping": dict(self.mapping), "date_order": self.date_order,
               "outcome": self.outcome.to_dict(),
               "preview": self.rows.astype(object).where(self.rows.notna(), None).to_dict("records"),
               "needs_confirmation": [c.to_dict() for c in self.confirmations]}
        return out


@dataclass
class BatchPreview:
    files: list[FilePreview]

    @property
    def needs_confirmation(self) -> list[Confirmation]:
        return [c for f in self.files for c in f.confirmations]

    def to_dict(self) -> dict:
        return {"needs_confirmation": [c.to_dict() for c in self.needs_confirmation],
                "files": [f.to_dict() for f in self.files]}


def confirmations(plan, outcome: FileReport) -> list[Confirmation]:
    """What the owner must confirm before ``plan`` is loaded, given the load's expected ``outcome``."""
    asks = []
    sure = float(getattr(plan, "kind_confidence", 1.0))
    if sure < KIND_SURE_FROM and not outcome.already_loaded:
        other = getattr(plan, "kind_runner_up", None)
        asks.append(Confirmation(plan.name, "kind", (
            f"Is {plan.name} {KIND_IN_WORDS[plan.kind]}? Clueboard is not sure"
            + (f": it could also be {KIND_IN_WORDS[other]}." if other else ".")
            + " Choose what the file is, or confirm.")))
    if outcome.rows_read and not outcome.already_loaded:
        for reason, n in sorted(outcome.rejected_by_reason.items(), key=lambda kv: -kv[1]):
            if n > REJECT_SHARE * outcome.rows_read:
                asks.append(Confirmation(plan.name, "rejects", (
                    f"{n:,} of the {outcome.rows_read:,} rows of {plan.name} ({n / outcome.rows_read:.0%}) would "
                    f"not be loaded: {reason}. That is usually a column matched wrongly, not bad data — check "
                    "the columns, or confirm to load the rest.")))
    for question in getattr(plan, "confirmations", None) or []:
        asks.append(Confirmation(plan.name, "plan", str(question)))
    # the mapping's own doubts (e.g. only a shipping deadline could date the orders) — unless an orders file of
    # this upload dated them instead (its column is then reported as "column (file)")
    dated_elsewhere = "(" in (getattr(outcome, "order_date_column", None) or "")
    if not outcome.already_loaded and not dated_elsewhere:
        for reason in getattr(plan, "needs_confirmation", None) or []:
            asks.append(Confirmation(plan.name, "plan", str(reason)))
    return asks


def confirm_kind(plan) -> None:
    """The owner says the detected kind is right: it is no longer a guess (as if they had chosen it)."""
    plan.kind_confidence, plan.kind_runner_up = 1.0, None


def preview_load(ws: Workspace | None, plans: Sequence, *, rows: int = PREVIEW_ROWS, wait: float = 0.0,
                 set_aside_identical: bool = False) -> BatchPreview:
    """What loading ``plans`` into ``ws`` would do; ``ws`` is left exactly as it was. ``ws=None``: a new, empty
    workspace (an upload from the sample shop goes into a new one)."""
    scratch = ws is None
    ws = Workspace.in_memory("preview") if scratch else ws
    try:
        preview, _ = _run(ws, plans, lambda p: False, rows=rows, wait=wait, progress=None,
                          set_aside_identical=set_aside_identical)
    finally:
        if scratch:
            ws.close()
    return preview


def load_unless_unsure(ws: Workspace, plans: Sequence, *, confirmed: bool = False, progress=None,
                       rows: int = PREVIEW_ROWS, wait: float = 0.0,
                       set_aside_identical: bool = False) -> tuple[BatchPreview, IngestReport | None]:
    """Load ``plans`` into ``ws`` in one pass, committed only when nothing needs confirming or the owner has
    ``confirmed``; otherwise rolled back (the report is None and ``preview.needs_confirmation`` says why)."""
    return _run(ws, plans, lambda p: confirmed or not p.needs_confirmation, rows=rows, wait=wait,
                progress=progress, set_aside_identical=set_aside_identical)


class _RolledBack(Exception):
    """Raised at the load's last step to roll its transaction back."""


class _Checkpoint:
    """The workspace as ``load_prepared`` sees it, but its last step inside the transaction (rebuilding the
    summaries) first reads what the load did and asks ``go_ahead`` whether to finish or roll back."""

    def __init__(self, ws: Workspace, plans: Sequence, go_ahead: Callable[[BatchPreview], bool], rows: int):
        self._ws, self._plans, self._go_ahead, self._rows = ws, plans, go_ahead, rows
        self._known = file_ids(ws.con)
        self.preview: BatchPreview | None = None

    def __getattr__(self, name):
        return getattr(self._ws, name)

    def build_marts_in(self, con):
        files = []
        for plan in self._plans:
            outcome = batch_report(con, plan, self._known)
            files.append(FilePreview(plan.name, plan.kind, float(getattr(plan, "kind_confidence", 1.0)),
                                     getattr(plan, "kind_runner_up", None), plan.mapping_by_header(),
                                     plan.date_order, outcome, first_rows(con, plan, outcome, self._rows),
                                     confirmations(plan, outcome)))
        self.preview = BatchPreview(files)
        if not self._go_ahead(self.preview):
            raise _RolledBack()
        return self._ws.build_marts_in(con)


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _workspace_lock(ws: Workspace) -> threading.Lock:
    key = str(ws.path.resolve()) if ws.path else f"memory:{id(ws)}"
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def _run(ws, plans, go_ahead, *, rows, wait, progress,
         set_aside_identical: bool = False) -> tuple[BatchPreview, IngestReport | None]:
    lock = _workspace_lock(ws)
    got = lock.acquire(timeout=wait) if wait > 0 else lock.acquire(blocking=False)
    if not got:
        raise WorkspaceBusy(f"workspace {ws.name} is in use by another load — try again when it finishes")
    try:
        checkpoint = _Checkpoint(ws, plans, go_ahead, rows)
        try:
            report = load_prepared(checkpoint, plans, progress=progress, set_aside_identical=set_aside_identical)
        except _RolledBack:
            return checkpoint.preview, None
        if checkpoint.preview is None:   # the loader no longer rebuilds the summaries inside its transaction
            raise AssertionError("load_prepared committed without the preview checkpoint; nothing was previewed")
        return checkpoint.preview, report
    finally:
        lock.release()
