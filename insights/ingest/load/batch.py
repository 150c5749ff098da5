"""One upload loaded into a workspace: :func:`load_prepared`, one transaction for all its files.

Every file is classified first (orders tables first, so the lines loaded with them can be completed); identity
resolution then runs over the workspace's keys and the new rows' keys together, so each new row is written once
with its ``customer_id``; marts are rebuilt last, in the same transaction. All files or none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
from typing import Callable, Sequence

import pyarrow as pa

from insights.ingest.errors import IngestError
from insights.ingest.load.identity import finish_identities, resolve_identities
from insights.ingest.load.loader import Loader
from insights.ingest.load.memory import remember_mapping
from insights.ingest.load.report import FileReport, IngestReport, workspace_summary
from insights.ingest.load.retention import retain_on_load
from insights.ingest.load.undo import record_last_load
from insights.ingest.load.vendor_rows import pair_itemised
from insights.ingest.mapping.fields import FIELD_LABELS
from insights.ingest.mapping.date_roles import resolve_with_orders_tables
from insights.ingest.mapping.headers import layout_signature
from insights.ingest.mapping.order_files import catalog_message, file_role

Progress = Callable[[float, str], None]


@contextlib.contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused for a bulk step. Reading and loading a large file makes few
    reference cycles but very many short-lived objects, which set off about 250 collections (0.1 s of a
    1M-line load) that find nothing to collect; reference counting still frees everything as it goes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_prepared(ws, plans: Sequence, progress: Progress | None = None, *,
                  set_aside_identical: bool = False) -> IngestReport:
    """Load prepared files (see :func:`insights.ingest.prepare_file`) into ``ws`` in one transaction.
    ``set_aside_identical``: set identical rows aside even in files with no order, event or answer id (by
    default they are kept there and reported: they can be separate real purchases)."""
    with gc_paused():
        report = _load_prepared(ws, plans, progress, set_aside_identical)
    # the load's staged Arrow columns are freed by now; Arrow's allocator keeps freed pages for reuse, so a
    # server that loaded a large file would hold them until it stops: give them back (bench/memory.py)
    pa.default_memory_pool().release_unused()
    return report


def _load_prepared(ws, plans: Sequence, progress: Progress | None, set_aside_identical: bool) -> IngestReport:
    progress = progress or (lambda f, m: None)
    for plan in plans:
        if plan.kind == "transactions" and file_role(plan.columns, plan.mapping) == "catalog":
            raise IngestError(plan.name, None, None, "orders or order lines (order numbers with prices)",
                              got="a product catalog", hint=catalog_message(plan.columns))
        missing = plan.missing_required()
        if missing:
            no_names = not plan.has_header
            raise IngestError(plan.name, None, ", ".join(FIELD_LABELS.get(f, f) for f in missing),
                              "a column mapped to this field",
                              got="a file without column names"
                              if no_names else None,
                              hint="Add a header row that names the columns, or map them on the Upload page"
                              if no_names else None)
    pair_itemised(plans)    # a summary export loaded with its item-level export is the orders table of it
    resolve_with_orders_tables(plans)       # their purchase date dates the lines: nothing left to confirm
    # orders tables first, so the lines loaded with them can be completed; payments last, to be reconciled
    # against the lines
    ordered = sorted(plans, key=lambda p: {"orders": 0, "payments": 2}.get(p.role, 1))
    reports: dict[int, FileReport] = {}
    with ws.transaction() as con:
        loader = Loader(con, ordered, set_aside_identical)
        loader.create_tables()
        total = max(sum(p.raw.data.num_rows for p in plans), 1)
        done = 0
        for plan in ordered:
            progress(done / total * 0.35, f"Checking {plan.name}…")
            reports[id(plan)] = loader.load_plan(plan)
            done += plan.raw.data.num_rows
        loader.finish_order_headers()
        loaded_at = dt.datetime.now()
        written = []
        for plan in ordered:
            report = reports[id(plan)]
            if report.already_loaded:
                continue
            written.append({"file_id": report.file_id, "name": report.name, "kind": plan.kind})
            if report.rows_read != report.rows_loaded + report.rows_rejected + report.rows_set_aside:
                raise AssertionError(f"row accounting broken for {plan.name}: {report}")
            # a refund written beside its sale (Stripe's Amount Refunded) is money read but given back
            if report.revenue_read != (report.revenue_loaded + report.revenue_rejected + report.revenue_set_aside
                                       + report.revenue_excluded_by_status + report.revenue_refunded):
                raise AssertionError(f"money accounting broken for {plan.name}: {report}")
            con.execute("insert into files values (?, ?, ?, ?, ?, ?, ?)",
                        [report.file_id, report.path, report.name, plan.sha256, plan.kind,
                         loaded_at, json.dumps(report.to_dict(), default=str)])
            remember_mapping(con, layout_signature(plan.columns, plan.kind), plan.kind, plan.mapping)
        record_last_load(con, loaded_at.isoformat(timespec="seconds"), written)
        # the steps' shares of the bar follow their measured time (bench/ingest.py, a 1M-line file): checking
        # a third, saving the lines another third, summaries a fifth
        progress(0.35, "Matching customers across files…")
        identity = resolve_identities(con, batch_keys=True)
        loader.insert_pending(lambda share, name: progress(0.4 + 0.35 * share, f"Saving {name}…"))
        finish_identities(con)
        loader.drop_tables()
        retention = retain_on_load(con)      # the owner's retention, applied to what this upload brought
        progress(0.75, "Building summaries…")
        ws.build_marts_in(con)       # the same transaction: data and marts reach the file together
        progress(0.95, "Writing to disk…")
    progress(1.0, "Done")
    return IngestReport([reports[id(p)] for p in plans], workspace_summary(ws), identity, retention)
