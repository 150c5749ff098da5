"""Load spreadsheets into a workspace and print what happened to every row.

    python -m insights ingest orders.csv web.csv nps.csv --workspace ~/shops/mine [--json]
        [--kind transactions]                            # every file is of this kind
        [--kind events=web.csv --kind feedback=nps.csv]  # these files are of these kinds
        [--set-aside-identical]                          # identical rows of files without an id set aside too

Each file is read (format, encoding and delimiter detected), recognised as one of four kinds and mapped to
the canonical fields by its headers (or remembered from an earlier file of the same layout). The report says the
kind found and how sure it is (``kind_confidence`` 0–1 and ``kind_runner_up`` in ``--json``; below
``GUESS_BELOW`` the kind is called a guess, with the ``--kind`` that forces another). It lists per file the rows read, loaded, rejected (with reasons) and set aside, and the revenue read and
loaded; ``--json`` prints the same as a stable JSON object ``{"files": [...], "workspace": {...}}``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Sequence

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.ingest import load_prepared, prepare_file
from insights.ingest.errors import IngestError
from insights.ingest.mapping.fields import KINDS
from insights.ingest.mapping.headers import GUESS_BELOW

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="CSV/TSV/TXT, XLSX/XLS or Parquet files")
    add_workspace_arguments(parser)
    parser.add_argument("--kind", action="append", default=[], metavar="KIND or KIND=FILE",
                        help=f"treat every file (KIND) or one file (KIND=FILE, repeatable) as this kind instead of "
                             f"detecting it; kinds: {', '.join(KINDS)}")
    parser.add_argument("--set-aside-identical", action="store_true",
                        help="set identical rows aside even in files with no order, event or review id (by "
                             "default they are kept and reported: they can be separate real purchases)")


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
    out = []
    for n, f in enumerate(report.files):
        out.append(f"{f.name}  ({f.kind}{', orders table' if f.role == 'orders' else ''})")
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
                          if f.revenue_excluded_by_status else ""))
        for warning in getattr(f, "warnings", []):
            out.append(f"  warning: {warning}")
        for note in f.notes:
            out.append(f"  note: {note}")
        out.append("")
    w = report.workspace
    out.append(f"Workspace: {w['customers']:,} customers, {w['orders']:,} orders, {w['order_lines']:,} order lines, "
               f"net revenue {_fmt_money(w['net_revenue'])}; {w['customer_records']:,} customer records, "
               f"{w['events']:,} events, {w['feedback']:,} feedback answers")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    try:
        kinds = kinds_per_file(args.files, args.kind)
    except ValueError as err:
        print(f"Nothing was loaded: {err}", file=sys.stderr)
        return 2
    try:
        ws = open_workspace(args.workspace, create=True)
    except (OSError, FileExistsError) as err:
        print(f"Cannot open the workspace {args.workspace}: {err}", file=sys.stderr)
        return 2
    try:
        plans = [prepare_file(path, kind=kind, ws=ws) for path, kind in zip(args.files, kinds)]
        report = load_prepared(ws, plans, set_aside_identical=args.set_aside_identical)
    except IngestError as err:
        print(f"Nothing was loaded: {err}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:
        print(f"Nothing was loaded: {err}", file=sys.stderr)
        return 1
    finally:
        ws.close()
    facts = kind_facts(report, plans)
    if args.json:
        out = report.to_dict()
        for f, extra in zip(out["files"], facts):
            f.update(extra)
        print_json(out)
    else:
        print(format_report(report, facts))
    return 0
