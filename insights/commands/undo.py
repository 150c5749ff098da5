"""Undo the last load of a workspace: its files and every row they brought are removed.

    python -m insights undo --workspace PATH [--json]

Customers are matched again and the summaries rebuilt, in one transaction: the workspace is exactly as it was
before that load. Only the latest load can be undone.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.ingest.load.undo import undo_last_load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        result = undo_last_load(ws)
    except LookupError as exc:
        raise SystemExit(str(exc)) from None
    finally:
        ws.close()
    if args.json:
        print_json(result)
    else:
        removed = sum(result["rows_removed"].values())
        print(f"Undid the load of {result['loaded_at']}: removed {', '.join(result['files'])} "
              f"({removed:,} rows).")
    return 0
