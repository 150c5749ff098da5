"""Pieces shared by the commands: the --workspace/--json options, opening the workspace, printing JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from insights.core.workspace import DB_FILE, Workspace


def add_workspace_arguments(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    parser.add_argument("--workspace", required=True, metavar="PATH",
                        help="workspace folder (created if missing for ingest)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def whole_days(text: str) -> int:
    """argparse type: a whole number of days, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 day, got {value}")
    return value


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


def to_jsonable(obj):
    """Turn pandas/numpy/decimal/date values into plain JSON values (NaN → null)."""
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, decimal.Decimal):
        return float(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return None if math.isnan(obj) or math.isinf(obj) else float(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (pd.Timestamp, dt.datetime, dt.date)):
        return None if pd.isna(obj) else obj.isoformat()
    if obj is pd.NaT or (obj is not None and not isinstance(obj, (str, bool, int)) and pd.api.types.is_scalar(obj) and pd.isna(obj)):
        return None
    return obj


def print_json(obj) -> None:
    json.dump(to_jsonable(obj), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
