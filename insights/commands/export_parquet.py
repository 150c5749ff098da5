"""Write a workspace's tables as Parquet files that Spark, DuckDB or a warehouse reads.

    python -m insights export-parquet --workspace PATH --out FOLDER [--no-marts] [--json]

One FOLDER/<table>.parquet per canonical table (order lines, CRM records, events, feedback, order money and
attributes, the files loaded, rejects, merges, the owner's settings) and per mart, plus clueboard_export.json
listing them with their row counts. Row hashes and JSON columns are written as text. Read it back with
python -m insights import-parquet; docs/SCALE.md says how to run the marts on Spark over it.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.scale.parquet import export_parquet


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--out", required=True, metavar="FOLDER", help="folder to write the Parquet files to")
    parser.add_argument("--no-marts", action="store_true", help="write the canonical tables only")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        done = export_parquet(ws, args.out, marts=not args.no_marts)
    finally:
        ws.close()
    if args.json:
        print_json({"folder": str(done.folder), "rows": done.rows})
    else:
        print(f"Wrote {len(done.rows)} tables ({sum(done.rows.values()):,} rows) to {done.folder}.")
    return 0
