"""A workspace's tables as Parquet files that DuckDB, Spark and any warehouse read, and back.

``export_parquet(ws, folder)`` writes one ``<table>.parquet`` per canonical table (every table of
``sql/schema.sql``: the loaded rows, their bookkeeping and the workspace's settings) and, unless told not to,
per mart, plus ``clueboard_export.json`` (what was written, row counts, the Clueboard tables' column types).
``import_parquet(ws, folder)`` reads such a folder (or a warehouse's extract with the same table and column
names) into an empty workspace and builds the marts from it; the marts in the folder are not read, since they
are derived.

Two column types are written as text, because Spark cannot read them from Parquet: ``UUID`` (the row hashes)
and ``JSON`` (file reports, CRM attributes). Import casts them back. Timestamps are naive (Parquet's
``isAdjustedToUTC = false``), which Spark reads as ``TIMESTAMP_NTZ``: no time zone moves them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from insights.core.db import quote_ident, sql_text
from insights.core.workspace import Workspace, mart_names

MANIFEST = "clueboard_export.json"
AS_TEXT = ("UUID", "JSON")


@lru_cache(maxsize=1)
def canonical_tables() -> list[str]:
    """Every table ``sql/schema.sql`` creates, in its order."""
    return [tree.this.name if isinstance(tree.this, exp.Table) else tree.this.this.name
            for tree in sqlglot.parse(sql_text("schema.sql"), read="duckdb")
            if isinstance(tree, exp.Create) and str(tree.args.get("kind")).upper() == "TABLE"]


class ParquetFolderError(ValueError):
    """A folder that cannot be imported; the message says which file and what is wrong."""


@dataclass
class Transfer:
    """What an export or import moved: rows per table, and the folder."""
    folder: Path
    rows: dict[str, int] = field(default_factory=dict)


def _column_types(con, table: str) -> list[tuple[str, str]]:
    relation = con.table(table)
    return [(name, str(kind)) for name, kind in zip(relation.columns, relation.types)]


def _projection(columns: list[tuple[str, str]], allowed: list[str]) -> str:
    return ", ".join(f"cast({quote_ident(c, allowed)} as varchar) as {quote_ident(c, allowed)}"
                     if t in AS_TEXT else quote_ident(c, allowed) for c, t in columns)


def export_parquet(ws: Workspace, folder: Path | str, marts: bool = True) -> Transfer:
    """Write the canonical tables (and the marts) of ``ws`` as ``folder/<table>.parquet``; return the counts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ws.ensure_marts()
    tables = canonical_tables() + (mart_names() if marts else [])
    done, types = Transfer(folder), {}
    for table in tables:
        columns = _column_types(ws.con, table)
        names = [c for c, _ in columns]
        relation = ws.con.table(table)
        if table == "workspace_meta":
            relation = relation.filter("starts_with(key, 'setting:')")     # the owner's settings, not the version
        relation.project(_projection(columns, names)).write_parquet(str(folder / f"{table}.parquet"))
        done.rows[table] = int(relation.aggregate("count(*)").fetchall()[0][0])
        types[table] = dict(columns)
    manifest = {"format": "clueboard-parquet-1", "tables": done.rows, "marts": marts and mart_names() or [],
                "columns": types}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return done


def import_parquet(ws: Workspace, folder: Path | str) -> Transfer:
    """Load ``folder/<table>.parquet`` for every canonical table present into the empty workspace ``ws`` (one
    transaction), then rebuild its marts. A missing file leaves its table empty; ``order_lines`` is required.

    Raises :class:`ParquetFolderError` when the folder has no order lines, a file lacks a column the table needs
    (columns a table may leave empty may be missing), or the workspace already holds data (importing twice would double it)."""
    folder = Path(folder)
    if not (folder / "order_lines.parquet").is_file():
        raise ParquetFolderError(f"{folder} has no order_lines.parquet: export a workspace with "
                                 "python -m insights export-parquet, or name the warehouse's extract so")
    if ws.has_data():
        raise ParquetFolderError(f"the workspace {ws.name!r} already holds data; import into a new workspace")
    done = Transfer(folder)
    with ws.transaction() as con:
        for table in canonical_tables():
            path = folder / f"{table}.parquet"
            if not path.is_file():
                continue
            done.rows[table] = _settings(ws, con, path) if table == "workspace_meta" else _insert(con, table, path)
        ws.build_marts_in(con)
    return done


def _insert(con, table: str, path: Path) -> int:
    relation = con.read_parquet(str(path))
    present = set(relation.columns)
    types = _column_types(con, table)
    wanted = [c for c, _ in types]
    select = ", ".join(     # a column the file lacks is null; the types come from our own schema
        (f"cast({quote_ident(c, present)} as {kind})" if c in present else f"cast(null as {kind})")
        + f" as {quote_ident(c, wanted)}" for c, kind in types)
    rows = relation.project(select)
    try:
        rows.insert_into(table)
    except duckdb.Error as exc:
        raise ParquetFolderError(f"{path.name}: cannot be read into the {table} table: "
                                 f"{str(exc).splitlines()[0]}") from None
    return int(rows.aggregate("count(*)").fetchall()[0][0])


def _settings(ws: Workspace, con, path: Path) -> int:
    """The owner's settings (revenue definition, currency, time zone …); the workspace keeps its own version."""
    rows = con.read_parquet(str(path)).filter("starts_with(key, 'setting:')").fetchall()
    for key, value in rows:
        ws.set_setting(key.removeprefix("setting:"), value)
    return len(rows)
