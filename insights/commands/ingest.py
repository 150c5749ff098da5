"""Load spreadsheets into a workspace and print what happened to every row.

    python -m insights ingest orders.csv customers.xlsx --workspace ~/shops/mine [--kind transactions] [--json]

Each file is read (format, encoding and delimiter detected), recognised as one of four kinds and mapped to
the canonical fields by its headers (or remembered from an earlier file of the same layout). The report
lists per file the rows read, loaded, rejected (with reasons) and set aside, and the revenue read and
loaded; ``--json`` prints the same as a stable JSON object ``{"files": [...], "workspace": {...}}``.
"""

from __future__ import annotations

import argparse
import logging
import sys

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.ingest import ingest_files
from insights.ingest.errors import IngestError
from insights.ingest.mapping.fields import KINDS

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="CSV/TSV/TXT, XLSX/XLS or Parquet files")
    add_workspace_arguments(parser)
    parser.add_argument("--kind", choices=KINDS, help="treat every file as this kind instead of detecting it")


def _fmt_money(value) -> str:
    return f"{value:,.2f}"


def format_report(report) -> str:
    """The human-readable per-file report."""
    out = []
    for f in report.files:
        out.append(f"{f.name}  ({f.kind}{', orders table' if f.role == 'orders' else ''})")
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
        ws = open_workspace(args.workspace, create=True)
    except (OSError, FileExistsError) as err:
        print(f"Cannot open the workspace {args.workspace}: {err}", file=sys.stderr)
        return 2
    try:
        report = ingest_files(ws, args.files, kind=args.kind)
    except IngestError as err:
        print(f"Nothing was loaded: {err}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:
        print(f"Nothing was loaded: {err}", file=sys.stderr)
        return 1
    finally:
        ws.close()
    if args.json:
        print_json(report.to_dict())
    else:
        print(format_report(report))
    return 0
