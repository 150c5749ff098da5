"""SQL helpers: load SQL files shipped in the package, run them with bound parameters, quote names safely."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import weakref
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

import duckdb
import pandas as pd

log = logging.getLogger(__name__)

# A workspace file is attached under this name to a private in-memory DuckDB instance (see ``connect_file``).
WORKSPACE_DB = "workspace"
# Rows per row group in a workspace file. DuckDB's default (122,880) leaves every table smaller than one
# row group (a shop's marts, a 100k-line upload) in memory until COMMIT, whose checkpoint then compresses and
# writes them one after another on one core: 0.6 s of a 1M-line upload. With 30,720 rows such tables are
# written in full row groups while they are built, on every core, and the commit has little left to do.
# The size is an ATTACH option that the file does not remember, so every open passes it.
ROW_GROUP_ROWS = 30_720


def _attach(path, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    options = f"ROW_GROUP_SIZE {ROW_GROUP_ROWS}" + (", READ_ONLY" if read_only else "")  # fixed text
    try:
        con.execute(f"attach $path as {WORKSPACE_DB} ({options})", {"path": str(path)})
    except BaseException:
        con.close()
        raise
    return con


# One DuckDB instance per open workspace file in this process, as ``duckdb.connect(path)`` keeps: DuckDB refuses
# to attach a file that another instance holds, and two browser tabs on one local workspace share it.
@dataclass
class _OpenFile:
    base: duckdb.DuckDBPyConnection     # the instance's own connection; each user gets a cursor of it
    read_only: bool
    users: int = 0                      # connections handed out and not yet released


_FILES: dict[str, _OpenFile] = {}       # by resolved path
_FILES_LOCK = threading.Lock()
_RELEASE: dict[int, weakref.finalize] = {}


def connect_file(path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A new connection whose default database is the workspace file ``path`` (created if missing).

    The file is attached as ``workspace`` with :data:`ROW_GROUP_ROWS` to a private in-memory DuckDB instance
    (never DuckDB's module-level default), one per file in this process; each call returns a connection of its
    own to it (own statement and registration state). The path is a bound parameter, never SQL text. Release
    with :func:`close` (or let it be garbage collected). Use :func:`cursor` rather than ``con.cursor()``: a
    plain cursor starts in the instance's empty in-memory database, not in the workspace.
    """
    key = str(Path(path).resolve())
    with _FILES_LOCK:
        entry = _FILES.get(key)
        if entry is None:
            entry = _FILES[key] = _OpenFile(_attach(path, read_only), read_only)
        elif entry.read_only != read_only:
            raise duckdb.ConnectionException(
                f"{path} is already open {'read-only' if entry.read_only else 'for writing'} in this process")
        con = _handed_out(key, entry)
    con.execute(f"use {WORKSPACE_DB}")
    return con


def _handed_out(key: str, entry: _OpenFile) -> duckdb.DuckDBPyConnection:
    con = entry.base.cursor()
    entry.users += 1
    _RELEASE[id(con)] = weakref.finalize(con, _release, key, id(con))
    return con


def _release(key: str, con_id: int) -> None:
    with _FILES_LOCK:
        _RELEASE.pop(con_id, None)
        entry = _FILES.get(key)
        if entry is None:
            return
        entry.users -= 1
        if entry.users <= 0:
            del _FILES[key]
            with contextlib.suppress(Exception):
                entry.base.close()


def close(con: duckdb.DuckDBPyConnection) -> None:
    """Close a connection; a workspace file's instance closes (checkpointing the file) with its last one."""
    with contextlib.suppress(Exception):
        con.close()
    release = _RELEASE.get(id(con))
    if release is not None:
        release()


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of ``con`` (its own statement and registration state) in the same default database."""
    database = con.execute("select current_database()").fetchall()[0][0]
    cur = con.cursor()            # closed with ``con``, as DuckDB closes a connection's cursors
    cur.execute(f"use {quote_ident(database, [WORKSPACE_DB, 'memory'])}")
    return cur


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's default database was opened read-only."""
    return bool(con.execute("select readonly from duckdb_databases() where database_name = current_database()")
                .fetchall()[0][0])


@lru_cache(maxsize=None)
def sql_text(relative_path: str) -> str:
    """Return the text of ``insights/sql/<relative_path>`` (e.g. ``"marts/orders.sql"``)."""
    if ".." in relative_path or relative_path.startswith("/"):
        raise ValueError(f"not a packaged SQL path: {relative_path!r}")
    return resources.files("insights").joinpath("sql", relative_path).read_text(encoding="utf-8")


def _resolve(sql_or_path: str) -> str:
    return sql_text(sql_or_path) if sql_or_path.endswith(".sql") else sql_or_path


def query_df(con: duckdb.DuckDBPyConnection, sql_or_path: str,
             params: Mapping[str, Any] | list | None = None) -> pd.DataFrame:
    """Run a packaged SQL file (``"marts/x.sql"``) or fixed SQL text with bound parameters; return pandas."""
    sql = _resolve(sql_or_path)
    return con.execute(sql, params or {}).df() if params else con.execute(sql).df()


def query_rows(con: duckdb.DuckDBPyConnection, sql_or_path: str,
               params: Mapping[str, Any] | list | None = None) -> list[tuple]:
    sql = _resolve(sql_or_path)
    return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


def quote_ident(name: str, allowed: Iterable[str]) -> str:
    """Quote a table or column name for SQL text — only after checking it is one of ``allowed``.

    This is the one place an identifier becomes SQL text. ``allowed`` must be a fixed list from our own
    schema, never a user's string.
    """
    allowed = set(allowed)
    if name not in allowed:
        raise ValueError(f"unknown column or table {name!r}; expected one of {sorted(allowed)}")
    return '"' + name.replace('"', '""') + '"'


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of a table in the main schema (empty list if it does not exist)."""
    # duckdb_columns(), not information_schema: that costs 0.02–0.04 s per connection on first use
    rows = con.execute(
        "select column_name from duckdb_columns() where table_name = ? and schema_name = 'main' "
        "and database_name in (current_database(), 'temp') order by column_index", [table]).fetchall()
    return [r[0] for r in rows]


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where table_name = ? and schema_name = 'main' "
        "and database_name in (current_database(), 'temp')", [table]).fetchall()[0][0])


def first_row(result) -> tuple | None:
    """The first row of an executed query, reading the result to the end (DuckDB 2 refuses further work on a
    connection whose last result was only partly read, as ``fetchone`` leaves it)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def rewrite_file(con: duckdb.DuckDBPyConnection) -> bool:
    """Copy the workspace file of ``con`` into a fresh file and put it in the old one's place, so that no byte of
    a deleted or overwritten row remains: DuckDB keeps them in freed blocks of the file until it reuses them.

    The other connections of this process to the file keep working (the file is attached again under the same
    name). Returns False for a database without a file (an in-memory workspace): nothing to rewrite.
    """
    rows = con.execute("select path from duckdb_databases() where database_name = ?", [WORKSPACE_DB]).fetchall()
    if not rows or not rows[0][0]:
        return False
    path = Path(rows[0][0])
    key = str(path.resolve())
    fresh = path.with_name(path.name + ".rewrite")
    with _FILES_LOCK:
        entry = _FILES.get(key)
        if entry is None or entry.read_only:
            raise duckdb.ConnectionException(f"{path} is not open for writing in this process")
        base = entry.base
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        options = f"ROW_GROUP_SIZE {ROW_GROUP_ROWS}"   # fixed text
        base.execute(f"attach $path as clueboard_rewrite ({options})", {"path": str(fresh)})
        try:
            base.execute(f"copy from database {WORKSPACE_DB} to clueboard_rewrite")
        finally:
            base.execute("detach clueboard_rewrite")
        base.execute(f"detach {WORKSPACE_DB}")
        try:
            os.replace(fresh, path)
            path.with_name(path.name + ".wal").unlink(missing_ok=True)   # checkpointed at detach
        finally:
            base.execute(f"attach $path as {WORKSPACE_DB} ({options})", {"path": str(path)})
    return True


def find_text(con: duckdb.DuckDBPyConnection, needles: list[str], exact: list[str] = ()) -> list[dict]:
    """Where the texts ``needles`` (contained, case-insensitive) and ``exact`` (a whole value) occur in any text or
    JSON column of any table of the current database: one ``{"table", "column", "rows"}`` per column that holds
    one. The check of an erasure (nothing of the person left) and of a pseudonymised export's source."""
    needles = [n.lower() for n in needles if n]
    exact = [e for e in exact if e]
    if not needles and not exact:
        return []
    columns = con.execute(
        "select table_name, column_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and (data_type = 'VARCHAR' or data_type = 'JSON') order by 1, 2").fetchall()
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(table, []).append(column)
    params = {"exact": exact, **{f"n{i}": n for i, n in enumerate(needles)}}
    found = []
    for table, names in by_table.items():      # one scan per table, a count per column
        counts = []
        for column in names:
            c = quote_ident(column, [column]) + "::varchar"      # names from the catalogue itself
            terms = [f"list_contains($exact::varchar[], {c})"] + [f"contains(lower({c}), $n{i})"
                                                                   for i in range(len(needles))]
            counts.append(f"count(*) filter (where {' or '.join(terms)})")
        row = con.execute(f"select {', '.join(counts)} from {quote_ident(table, [table])}", params).fetchall()[0]
        found += [{"table": table, "column": column, "rows": int(n)} for column, n in zip(names, row) if n]
    return found
