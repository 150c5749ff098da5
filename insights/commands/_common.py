"""Pieces shared by the commands: the --workspace/--json options, opening the workspace, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


from insights.core.jsonable import to_jsonable
from insights.core.workspace import DB_FILE, Workspace


def add_workspace_arguments(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    parser.add_argument("--workspace", required=True, metavar="PATH",
                        help="workspace folder (created if missing for ingest)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def at_least_one(text: str, unit: str = "") -> int:
    """argparse type: a whole number, at least 1 (``unit`` names it in the message: "days")."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number{' of ' + unit if unit else ''}, got {text!r}") \
            from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1{' ' + unit.rstrip('s') if unit else ''}, got {value}")
    return value


def whole_days(text: str) -> int:
    """argparse type: a whole number of days, at least 1."""
    return at_least_one(text, "days")


def open_workspace(path: str, create: bool = False) -> Workspace:
    """Open the workspace folder at ``path``; with ``create``, make it there if it does not exist."""
    folder = Path(path)
    if folder.name == DB_FILE:
        folder = folder.parent
    if (folder / DB_FILE).exists():
        ws = Workspace.open(folder)
    elif create:
        ws = Workspace.create_at(folder)
    else:
        raise SystemExit(f"No Clueboard workspace at {folder} (load data first: python -m insights ingest ...)")
    ws.ensure_marts()
    return ws


def print_json(obj) -> None:
    json.dump(to_jsonable(obj), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
