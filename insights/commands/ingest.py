"""Load spreadsheets into a workspace and print what happened to every row.

    python -m insights ingest orders.csv web.csv nps.csv --workspace ~/shops/mine [--json] [--yes] [--wait 5]
        [--kind transactions]                            # every file is of this kind
        [--kind events=web.csv --kind feedback=nps.csv]  # these files are of these kinds
        [--set-aside-identical]                          # identical rows of files without an id set aside too
        [--day-first | --month-first]                    # how to read dates like 03/04/2024 nothing settles
        [--map 'orders.csv:Order Date=ordered_at']       # map a column by hand (repeatable)

Each file is read (format, encoding and delimiter detected), recognised as one of four kinds and mapped to
the canonical fields by its headers (or remembered from an earlier file of the same layout). The report says the
kind found and how sure it is (``kind_confidence`` 0–1 and ``kind_runner_up`` in ``--json``; below
``GUESS_BELOW`` the kind is called a guess, with the ``--kind`` that forces another). It lists per file the rows read, loaded, rejected (with reasons) and set aside, and the revenue read and
loaded; ``--json`` prints the same as a stable JSON object ``{"files": [...], "workspace": {...}}``.

Nothing is loaded, and the exit code is 3, when something needs the owner's confirmation (see
:mod:`insights.ingest.preview`): a kind Clueboard is not sure of, more than 1% of a file's rows rejected for one
reason, or a question the file's plan asks. The questions are printed with what the load would do (``--json``:
``{"needs_confirmation": [{"file", "reason", "question"}], "files": [preview per file]}``); ``--yes`` loads
anyway. Dates whose day/month order nothing in the file settles (03/04/2024) stop the load the same way, before
anything is read into the workspace, unless ``--day-first`` or ``--month-first`` says how to read them (or
``--yes`` takes the day-first reading). A workspace in use by another load or by the app: waited for up to ``--wait`` seconds, then exit code 4
with one line saying so.

After the report, the customer-value and churn models are fitted and stored with the data version (``--json``:
``"models"``), so ``clv``, ``churn`` and the pages read them without fitting again; ``--no-models`` skips this.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

import duckdb

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.ingest import prepare_file
from insights.ingest.errors import IngestError
from insights.ingest.mapping.fields import FIELD_LABELS, FIELDS, KINDS
from insights.ingest.mapping.headers import GUESS_BELOW
from insights.ingest.preview import BatchPreview, Confirmation, WorkspaceBusy, load_unless_unsure
from insights.predictions.refresh import refresh_models

NEEDS_CONFIRMATION = 3   # exit code: nothing loaded, the owner must confirm (or pass --yes)
BUSY = 4                 # exit code: the workspace is in use by another load or by the app

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="CSV/TSV/TXT, XLSX/XLS or Parquet files")
    add_workspace_arguments(parser)
    parser.add_argument("--yes", action="store_true",
                        help="load even when something needs confirming (a kind Clueboard is not sure of, more than "
                             "1%% of a file's rows rejected for one reason, a question of the file's plan)")
    parser.add_argument("--wait", type=float, default=5.0, metavar="SECONDS",
                        help="how long to wait for a workspace in use by another load or by the app (default 5)")
    parser.add_argument("--kind", action="append", default=[], metavar="KIND or KIND=FILE",
                        help=f"treat every file (KIND) or one file (KIND=FILE, repeatable) as this kind instead of "
                             f"detecting it; kinds: {', '.join(KINDS)}")
    parser.add_argument("--no-models", action="store_true",
                        help="do not fit the customer-value and churn models after loading (the pages and the clv "
                             "and churn commands then fit them when first asked)")
    parser.add_argument("--set-aside-identical", action="store_true",
                        help="set identical rows aside even in files with no order, event or review id (by "
                             "default they are kept and reported: they can be separate real purchases)")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="date_order", action="store_const", const="dmy",
                       help="read dates whose order nothing settles (03/04/2024) as day first: 3 April")
    order.add_argument("--month-first", dest="date_order", action="store_const", const="mdy",
                       help="read such dates as month first: March 4")
    parser.add_argument("--map", action="append", default=[], metavar="FILE:COLUMN=FIELD",
                        help="map a file's column to a field by hand, e.g. 'orders.csv:Order Date=ordered_at' "
                             "(repeatable; FIELD empty to leave a field unmapped: 'orders.csv:=channel')")


def kinds_per_file(files: Sequence[str], given: Sequence[str]) -> list[str | None]:
    """The kind each file is forced to by the ``--kind`` options (None: detect it). A file is named as given on
    the command line or by its file name. Raises ValueError, in one line, for an unknown kind or file."""
    every: str | None = None
    chosen: list[str | None] = [None] * len(files)
    for option in given:
        kind, per_file, name = option.partition("=")
        kind = kind.strip()
        if kind not in KINDS:
            raise ValueError(f"--kind {option}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        if not per_file:
            if every is not None and every != kind:
                raise ValueError(f"--kind {option}: every file was already given the kind {every}; "
                                 f"name the file for each (--kind {kind}=FILE)")
            every = kind
            continue
        matches = [i for i, f in enumerate(files) if name in (f, Path(f).name)]
        if not matches:
            raise ValueError(f"--kind {option}: {name!r} is not one of the files to load "
                             f"({', '.join(Path(f).name for f in files)})")
        for i in matches:
            chosen[i] = kind
    return [kind or every for kind in chosen]


def apply_maps(files: Sequence[str], plans: Sequence, given: Sequence[str]) -> None:
    """The ``--map FILE:COLUMN=FIELD`` options applied to the plans (one per file, in order). A file is named as
    given on the command line or by its file name; the column by its header (case as written, else ignoring
    case); the field by its name (``ordered_at``) or its label. ValueError in one line for anything unknown."""
    for option in given:
        left, eq, field = option.rpartition("=")
        matches = [i for i, f in enumerate(files)
                   if any(left.startswith(name + ":") for name in (f, Path(f).name))]
        if not eq or not matches:
            raise ValueError(f"--map {option}: expected FILE:COLUMN=FIELD with FILE one of the files to load "
                             f"({', '.join(Path(f).name for f in files)})")
        for i in matches:
            plan = plans[i]
            name = next(n for n in (files[i], Path(files[i]).name) if left.startswith(n + ":"))
            header = left[len(name) + 1:].strip()
            field = field.strip()
            fields = FIELDS[plan.kind]
            by_label = {FIELD_LABELS.get(f, f).lower(): f for f in fields}
            chosen = field if field in fields else by_label.get(field.lower())
            if chosen is None:
                raise ValueError(f"--map {option}: {field!r} is not a field of {plan.kind} files; expected one of "
                                 f"{', '.join(fields)}")
            if not header:
                plan.set_mapping(chosen, None)
                continue
            columns = [c.strip() for c in plan.columns]
            found = [j for j, c in enumerate(columns) if c == header] or \
                [j for j, c in enumerate(columns) if c.lower() == header.lower()]
            if not found:
                raise ValueError(f"--map {option}: {plan.name} has no column {header!r}; its columns: "
                                 f"{', '.join(plan.columns)}")
            plan.set_mapping(chosen, found[0])


def date_questions(plans: Sequence, order_given: str | None) -> list[Confirmation]:
    """A file whose dates could be day-first or month-first with nothing to settle it: the one-line question,
    unless ``--day-first``/``--month-first`` answered it (then every such file is read that way)."""
    asks = []
    for plan in plans:
        if not plan.questions:
            continue
        if order_given:
            plan.set_date_order(order_given)
            continue
        asks.append(Confirmation(plan.name, "dates", plan.questions[0].split(" Read as ")[0]
                                 + " Load again with --day-first or --month-first."))
    return asks


def _fmt_money(value) -> str:
    return f"{value:,.2f}"


def kind_facts(report, plans: Sequence) -> list[dict]:
    """Per file of ``report``: how sure its kind is (``kind_confidence``, ``kind_runner_up``), from its plan."""
    by_file = {(p.path, p.name): p for p in plans}
    facts = []
    for f in report.files:
        plan = by_file.get((f.path, f.name))
        facts.append({"kind_confidence": getattr(plan, "kind_confidence", 1.0),
                      "kind_runner_up": getattr(plan, "kind_runner_up", None)})
    return facts


def _kind_line(f, facts: dict) -> str:
    sure, runner_up = facts["kind_confidence"], facts["kind_runner_up"]
    if sure >= GUESS_BELOW:
        return f"  kind: {f.kind} (confidence {sure:.2f}" + (f"; next most likely {runner_up})" if runner_up else ")")
    other = runner_up or next(k for k in KINDS if k != f.kind)
    return (f"  kind: {f.kind} is a guess (confidence {sure:.2f}, below {GUESS_BELOW:.2f}"
            + (f"; it could be {runner_up}" if runner_up else "") + "). If it is wrong, load the file again with "
            f"--kind {other}={f.name} (or another of {', '.join(KINDS)}).")


def format_report(report, kinds: Sequence[dict] | None = None) -> str:
    """The human-readable per-file report (``kinds``: :func:`kind_facts`, one per file)."""
    out = format_files(report.files, kinds)
    w = report.workspace
    out.append(f"Workspace: {w['customers']:,} customers, {w['orders']:,} orders, {w['order_lines']:,} order lines, "
               f"net revenue {_fmt_money(w['net_revenue'])}; {w['customer_records']:,} customer records, "
               f"{w['events']:,} events, {w['feedback']:,} feedback answers; "
               f"{w['consenting_customers']:,} customers may be e-mailed")
    return "\n".join(out)


def format_files(files: Sequence, kinds: Sequence[dict] | None = None) -> list[str]:
    """Lines per :class:`FileReport`: kind, format, mapping, the rows' accounting with reasons, revenue, notes."""
    out = []
    for n, f in enumerate(files):
        out.append(f"{f.name}  ({f.kind}{', ' + f.role + ' table' if f.role in ('orders', 'payments') else ''})")
        if kinds is not None:
            out.append(_kind_line(f, kinds[n]))
        facts = [f"format {f.format}"]
        if f.encoding:
            facts.append(f"encoding {f.encoding}")
        if f.delimiter:
            facts.append("delimiter " + {"\t": "tab", " ": "whitespace"}.get(f.delimiter, repr(f.delimiter)))
        if f.sheet:
            facts.append(f"sheet {f.sheet!r}")
        if f.date_order:
            facts.append(f"date order {f.date_order}")
        out.append("  " + ", ".join(facts))
        if f.mapping:
            out.append("  mapping: " + ", ".join(f"{field} ← {header!r}" for field, header in f.mapping.items()))
        out.append(f"  rows read {f.rows_read:,} = loaded {f.rows_loaded:,} + rejected {f.rows_rejected:,} "
                   f"+ set aside {f.rows_set_aside:,}")
        for reason, n in f.rejected_by_reason.items():
            out.append(f"    rejected {n:,}: {reason}")
        for reason, n in f.set_aside_by_reason.items():
            out.append(f"    set aside {n:,}: {reason}")
        if f.kind == "transactions" and f.role == "lines":
            cur = f" {f.currency}" if f.currency else ""
            out.append(f"  revenue read {_fmt_money(f.revenue_read)}{cur} = loaded {_fmt_money(f.revenue_loaded)}"
                       f" + set aside {_fmt_money(f.revenue_set_aside)} + rejected {_fmt_money(f.revenue_rejected)}"
                       + (f" + not counted (cancelled/returned status) {_fmt_money(f.revenue_excluded_by_status)}"
                          if f.revenue_excluded_by_status else "")
                       + (f" + refunded {_fmt_money(f.revenue_refunded)}" if f.revenue_refunded else ""))
        if f.kind == "spend":
            out.append(f"  spend read {_fmt_money(f.spend_read)} = loaded {_fmt_money(f.spend_loaded)} + set aside "
                       f"{_fmt_money(f.spend_set_aside)} + rejected {_fmt_money(f.spend_rejected)}; loaded by currency: "
                       + ", ".join(f"{_fmt_money(v)} {c}" for c, v in f.spend_by_currency.items()))
        if f.order_date_column:
            out.append(f"  orders dated by: {f.order_date_column}")
        if f.attributes:
            out.append("  kept as order attributes: " + ", ".join(f.attributes))
        for warning in getattr(f, "warnings", []):
            out.append(f"  warning: {warning}")
        for note in f.notes:
            out.append(f"  note: {note}")
        out.append("")
    return out


def open_when_free(path: str, wait: float):
    """The workspace at ``path`` (created if missing), waiting up to ``wait`` seconds while another process —
    a load or the app — holds it. Raises :class:`WorkspaceBusy` after that."""
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            return open_workspace(path, create=True)
        except duckdb.IOException as err:
            if "lock" not in str(err).lower():
                raise
            if time.monotonic() >= deadline:
                raise WorkspaceBusy(f"workspace {path} is in use by another load or by the app — try again when it "
                                    "finishes") from None
            time.sleep(0.25)


def format_questions(preview) -> str:
    """The human-readable preview of an upload that needs confirming: what would happen, then the questions."""
    facts = [{"kind_confidence": f.kind_confidence, "kind_runner_up": f.kind_runner_up} for f in preview.files]
    out = format_files([f.outcome for f in preview.files], facts)
    out.append("Nothing was loaded. Before loading, please confirm:")
    out.extend(f"  - {c.question}" for c in preview.needs_confirmation)
    out.append("Run the same command with --yes to load as shown; set a file's kind with --kind KIND=FILE, or fix "
               "its columns on the Upload page.")
    return "\n".join(out)


def error_object(err: Exception, prefix: str = "Nothing was loaded") -> dict:
    """What ``--json`` prints when nothing was loaded: ``{"error": {"message", "file", "row", "column",
    "expected", "got", "hint"}}`` (the parts an :class:`IngestError` knows; ``None`` for the others)."""
    parts = {key: getattr(err, key, None) for key in ("file", "row", "column", "expected", "got", "hint")}
    return {"error": {"message": f"{prefix}: {err}", **parts}, "files": []}


def _fail(args: argparse.Namespace, err: Exception, code: int, prefix: str = "Nothing was loaded") -> int:
    """Say why nothing was loaded: a JSON error object on stdout with ``--json``, else one line on stderr."""
    if getattr(args, "json", False):
        print_json(error_object(err, prefix))
    else:
        print(f"{prefix}: {err}", file=sys.stderr)
    return code


def _ask(args: argparse.Namespace, preview, extra: Sequence[Confirmation] = ()) -> int:
    """Nothing loaded: the questions (with what the load would do, where it was tried), exit code 3."""
    if args.json:
        out = preview.to_dict()
        out["needs_confirmation"] = [c.to_dict() for c in extra] + out["needs_confirmation"]
        print_json(out)
    elif extra:
        print("\n".join(f"{c.file}: {c.question}" for c in extra))
    else:
        print(format_questions(preview))
    return NEEDS_CONFIRMATION


def run(args: argparse.Namespace) -> int:
    try:
        kinds = kinds_per_file(args.files, args.kind)
    except ValueError as err:
        return _fail(args, err, 2)
    try:
        ws = open_when_free(args.workspace, args.wait)
    except WorkspaceBusy as err:
        return _fail(args, err, BUSY)
    except (OSError, FileExistsError, duckdb.Error) as err:
        return _fail(args, err, 2, f"Cannot open the workspace {args.workspace}")
    try:
        try:
            plans = [prepare_file(path, kind=kind, ws=ws) for path, kind in zip(args.files, kinds)]
            apply_maps(args.files, plans, args.map)
            dates = date_questions(plans, args.date_order)
            if dates and not args.yes:
                return _ask(args, BatchPreview([]), dates)
            preview, report = load_unless_unsure(ws, plans, confirmed=args.yes, wait=args.wait,
                                                 set_aside_identical=args.set_aside_identical)
        except WorkspaceBusy as err:
            return _fail(args, err, BUSY)
        except (IngestError, OSError, ValueError) as err:
            return _fail(args, err, 1)
        return _say(args, ws, plans, preview, report, dates)
    finally:
        ws.close()      # held through the models' stage: another load waits for it (--wait), never interleaves


def _say(args: argparse.Namespace, ws, plans, preview, report, dates: list) -> int:
    """Print what was loaded (or what needs confirming); then, for a load, fit the models (the second stage)."""
    if report is None:
        return _ask(args, preview)
    facts = kind_facts(report, plans)
    confirmed = [c.to_dict() for c in dates + preview.needs_confirmation]
    if args.json:
        out = report.to_dict()
        for f, extra in zip(out["files"], facts):
            f.update(extra)
        if confirmed:
            out["confirmed"] = confirmed
        if not args.no_models:
            out["models"] = refresh_models(ws).as_dict()
        print_json(out)
    else:
        print(format_report(report, facts))
        if confirmed:
            print("Loaded as confirmed with --yes:\n" + "\n".join(f"  - {c['question']}" for c in confirmed))
        if not args.no_models:
            # the rows and the summaries are on disk and reported; the models are the second stage
            print("Fitting the customer-value and churn models…", flush=True)
            print(refresh_models(ws).sentence())
    return 0
