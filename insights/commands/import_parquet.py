"""Read a folder of Parquet files (an export-parquet folder or a warehouse extract) into a new workspace.

    python -m insights import-parquet --workspace PATH --from FOLDER [--json]

Reads FOLDER/<table>.parquet for each canonical table present (order_lines.parquet is required; columns a table
may leave empty may be missing), in one transaction, then builds the marts. The workspace is created if missing
and must hold no data yet.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.scale.parquet import ParquetFolderError, import_parquet


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--from", dest="source", required=True, metavar="FOLDER",
                        help="folder holding <table>.parquet files")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace, create=True)
    try:
        done = import_parquet(ws, args.source)
    except ParquetFolderError as exc:
        raise SystemExit(str(exc)) from None
    finally:
        ws.close()
    if args.json:
        print_json({"folder": str(done.folder), "rows": done.rows})
    else:
        print(f"Read {len(done.rows)} tables ({sum(done.rows.values()):,} rows) from {done.folder}; "
              "the marts are built.")
    return 0
