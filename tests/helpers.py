"""Test helpers: build a workspace straight from small canonical tables (no file parsing involved).

    ws = workspace_from_tables(order_lines=[
        dict(order_id="A1", customer_id="c1", ordered_at="2024-01-05", quantity=2, unit_price="9.99"),
        ...])

Missing canonical columns get sensible defaults (revenue = quantity × unit_price, flags false, ...).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from insights.core.db import table_columns
from insights.core.workspace import Workspace

_DEFAULT_FLAGS = ("is_cancellation", "is_return", "is_non_product", "is_guest")


def _frame(rows, table: str, con) -> pd.DataFrame:
    df = pd.DataFrame(list(rows)) if not isinstance(rows, pd.DataFrame) else rows.copy()
    cols = table_columns(con, table)
    unknown = set(df.columns) - set(cols)
    if unknown:
        raise ValueError(f"unknown columns for {table}: {sorted(unknown)}")
    if table == "order_lines":
        if "revenue" not in df:
            df["revenue"] = [str(Decimal(str(q)) * Decimal(str(p))) for q, p in zip(df["quantity"], df["unit_price"])]
        for flag in _DEFAULT_FLAGS:
            df[flag] = df[flag].fillna(False).astype(bool) if flag in df else False
        if "is_guest" in df and "customer_id" in df:
            df["is_guest"] = df["is_guest"] | df["customer_id"].isna()
        if "line_id" not in df:
            df["line_id"] = range(1, len(df) + 1)
    for c in ("source_file",):
        if c not in df:
            df[c] = "test"
    if "source_row" not in df:
        df["source_row"] = range(2, len(df) + 2)
    return df[[c for c in cols if c in df.columns]]


def insert_rows(ws: Workspace, table: str, rows) -> None:
    df = _frame(rows, table, ws.con)
    cols = ", ".join(f'"{c}"' for c in df.columns)  # names checked against the schema in _frame
    ws.con.register("_incoming", df)
    try:
        ws.con.execute(f'insert into "{table}" ({cols}) select {cols} from _incoming')
    finally:
        ws.con.unregister("_incoming")


def workspace_from_tables(order_lines=(), customer_records=(), events=(), feedback=(),
                          ws: Workspace | None = None) -> Workspace:
    """An in-memory workspace holding exactly these rows, with marts built."""
    ws = ws or Workspace.in_memory()
    for table, rows in (("order_lines", order_lines), ("customer_records", customer_records),
                        ("events", events), ("feedback", feedback)):
        if len(rows):
            insert_rows(ws, table, rows)
    ws.build_marts()
    return ws


def file_workspace_copy(ws: Workspace, root, name: str, tables=("order_lines", "customer_records", "events",
                                                               "feedback")):
    """The folder of a new workspace file under ``root`` holding ``ws``'s rows of ``tables``, marts built and the
    file closed: for tests that run a command on a workspace built in memory."""
    copy = Workspace.create(name, root=root)
    try:
        for table in tables:
            insert_rows(copy, table, ws.con.execute(f'select * from "{table}"').df())
        copy.build_marts()
        return copy.path
    finally:
        copy.close()
