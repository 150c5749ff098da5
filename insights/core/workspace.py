"""A workspace: one DuckDB database holding a shop's canonical tables and the marts built from them.

Each workspace lives in its own folder under a root (default ``$CLUEBOARD_HOME/workspaces``, with
``CLUEBOARD_HOME`` defaulting to ``~/.clueboard``)::

    <root>/<slug>/clueboard.duckdb     the data
    <root>/<slug>/workspace.json       name and creation time

Every ``Workspace`` object owns its own DuckDB connection — never DuckDB's module-level default
connection — so two browser sessions never share data through it. Writes go through
:meth:`Workspace.transaction`: DuckDB commits a transaction atomically, so a crash mid-save leaves the
previous state readable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

from insights.core.currency import convert_lines
from insights.core.db import close as db_close, connect_file, is_read_only, sql_text, table_exists

log = logging.getLogger(__name__)

DB_FILE = "clueboard.duckdb"
META_FILE = "workspace.json"

# Marts built first, in this order; every other file in sql/marts/ follows alphabetically. The catalog's marts
# come before orders and customers, which name and categorise lines through them.
CORE_MARTS = ("category_catalog", "product_catalog", "line_products", "orders", "customers")
DATA_TABLES = ("order_lines", "customer_records", "events", "feedback", "spend")


def default_root() -> Path:
    home = os.environ.get("CLUEBOARD_HOME") or os.path.join(os.path.expanduser("~"), ".clueboard")
    return Path(home) / "workspaces"


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return slug[:60] or "workspace"


@dataclass(frozen=True)
class WorkspaceInfo:
    name: str
    path: Path
    created_at: str
    size_bytes: int


def list_workspaces(root: Path | str | None = None) -> list[WorkspaceInfo]:
    """Every workspace under ``root``, by name."""
    root = Path(root) if root else default_root()
    found = []
    if not root.exists():
        return found
    for folder in sorted(root.iterdir()):
        meta_path = folder / META_FILE
        if folder.is_dir() and meta_path.exists() and (folder / DB_FILE).exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            found.append(WorkspaceInfo(meta.get("name", folder.name), folder, meta.get("created_at", ""),
                                       (folder / DB_FILE).stat().st_size))
    return sorted(found, key=lambda w: w.name.lower())


def _sql_stems(folder: str) -> list[str]:
    files = resources.files("insights").joinpath("sql", folder)
    return sorted(p.name[:-4] for p in files.iterdir() if p.name.endswith(".sql"))


def build_steps() -> list[tuple[str, str]]:
    """(folder, table) in build order: the core marts, then the intermediate tables (which read only canonical
    tables and core marts, e.g. ``customer_order_days``), then the other marts alphabetically."""
    marts = _sql_stems("marts")
    core = [("marts", m) for m in CORE_MARTS if m in marts]
    return (core + [("intermediate", m) for m in _sql_stems("intermediate")]
            + [("marts", m) for m in marts if m not in CORE_MARTS])


def mart_names() -> list[str]:
    """The derived tables (marts and intermediate tables) in build order."""
    return [name for _, name in build_steps()]


class Workspace:
    """One shop's data. Use :meth:`create`, :meth:`open` or :meth:`in_memory`; close when done."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, name: str):
        self.con = con
        self.path = path
        self.name = name
        self._ensure_schema()

    # ----- opening -------------------------------------------------------------------------------
    @classmethod
    def create(cls, name: str, root: Path | str | None = None) -> "Workspace":
        root = Path(root) if root else default_root()
        root.mkdir(parents=True, exist_ok=True)
        slug, n = slugify(name), 1
        folder = root / slug
        while folder.exists():
            n += 1
            folder = root / f"{slug}-{n}"
        return cls.create_at(folder, name)

    @classmethod
    def create_at(cls, folder: Path | str, name: str | None = None) -> "Workspace":
        """Make a new workspace in exactly ``folder`` (which must not hold one already)."""
        folder = Path(folder)
        if (folder / DB_FILE).exists():
            raise FileExistsError(f"{folder} already holds a workspace")
        folder.mkdir(parents=True, exist_ok=True)
        name = name or folder.name
        meta = {"name": name, "created_at": dt.datetime.now().isoformat(timespec="seconds")}
        _write_json_atomic(folder / META_FILE, meta)
        return cls(connect_file(folder / DB_FILE), folder, name)

    @classmethod
    def open(cls, path: Path | str, read_only: bool = False) -> "Workspace":
        folder = Path(path)
        if folder.name == DB_FILE:
            folder = folder.parent
        if not (folder / DB_FILE).exists():
            raise FileNotFoundError(f"No Clueboard workspace in {folder}")
        meta_path = folder / META_FILE
        name = json.loads(meta_path.read_text(encoding="utf-8"))["name"] if meta_path.exists() else folder.name
        return cls(connect_file(folder / DB_FILE, read_only=read_only), folder, name)

    @classmethod
    def open_or_create(cls, name: str, root: Path | str | None = None) -> "Workspace":
        root = Path(root) if root else default_root()
        for info in list_workspaces(root):
            if info.name == name:
                return cls.open(info.path)
        return cls.create(name, root)

    @classmethod
    def in_memory(cls, name: str = "scratch") -> "Workspace":
        return cls(duckdb.connect(":memory:"), None, name)

    def close(self) -> None:
        db_close(self.con)

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.name!r}, {str(self.path) if self.path else ':memory:'})"

    # ----- management ----------------------------------------------------------------------------
    def rename(self, new_name: str) -> None:
        if not new_name.strip():
            raise ValueError("A workspace needs a name.")
        self.name = new_name.strip()
        if self.path:
            meta = json.loads((self.path / META_FILE).read_text(encoding="utf-8"))
            meta["name"] = self.name
            _write_json_atomic(self.path / META_FILE, meta)

    def delete(self) -> None:
        """Close the connection and remove the workspace folder."""
        self.close()
        if self.path and self.path.exists():
            shutil.rmtree(self.path)

    # ----- schema, transactions, marts -----------------------------------------------------------
    def _ensure_schema(self) -> None:
        if is_read_only(self.con):
            return      # a read-only reader only reads; the next writer creates or converts what is missing
        self.con.execute(sql_text("schema.sql"))
        self._migrate_row_hashes()
        self._add_line_currency_columns()
        if not self.con.execute("select 1 from workspace_meta where key = 'data_version'").fetchall():
            self.con.execute("insert into workspace_meta values ('data_version', ?)", [uuid.uuid4().hex])

    def _migrate_row_hashes(self) -> None:
        """Workspaces made before row hashes were numbers kept md5 as 32 hex digits: convert them in place.

        A row hash is now ``md5_number(...)::uuid``; ``md5_number`` reads md5's 16 bytes as one little-endian
        128-bit number, so the hex digits are read two by two from the last byte to the first. An old workspace then still recognises rows it already holds.
        """
        old = {r[0] for r in self.con.execute(   # duckdb_columns(): information_schema costs 0.04 s on first use
            "select table_name from duckdb_columns() where column_name = 'row_hash' and data_type = 'VARCHAR' "
            "and schema_name = 'main' and database_name = current_database()").fetchall()}
        if not old:
            return
        reversed_hex = " || ".join(f"substr(row_hash, {2 * b + 1}, 2)" for b in range(15, -1, -1))
        with self.transaction() as con:
            for table in DATA_TABLES:
                if table in old:   # fixed table names
                    con.execute(f'alter table "{table}" alter row_hash type uuid using '
                                f"case when length(row_hash) = 32 then ('0x' || {reversed_hex})::uhugeint::uuid end")

    def _add_line_currency_columns(self) -> None:
        """Workspaces made before lines kept their own amount get ``source_revenue`` and ``rate`` (filled by
        the next mart build: :func:`insights.core.currency.convert_lines`), and ``customer_name`` (empty)."""
        have = {r[0] for r in self.con.execute(
            "select column_name from duckdb_columns() where table_name = 'order_lines' and schema_name = 'main' "
            "and database_name = current_database()").fetchall()}
        for column, kind in (("source_revenue", "decimal(18,4)"), ("rate", "decimal(18,8)"),
                             ("customer_name", "varchar")):
            if column not in have:   # fixed names
                self.con.execute(f"alter table order_lines add column {column} {kind}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN … COMMIT; ROLLBACK if anything inside raises. All or nothing reaches the file."""
        self.con.execute("begin transaction")
        try:
            yield self.con
            self.con.execute("update workspace_meta set value = ? where key = 'data_version'",
                             [uuid.uuid4().hex])
            self.con.execute("commit")
        except BaseException:
            with contextlib.suppress(Exception):
                self.con.execute("rollback")
            raise

    def build_marts(self) -> list[str]:
        """Rebuild every mart from the canonical tables, in one transaction. Returns the mart names."""
        with self.transaction() as con:
            return self.build_marts_in(con)

    @staticmethod
    def build_marts_in(con) -> list[str]:
        """Rebuild every mart inside the caller's open transaction (an upload commits data and marts at once)."""
        steps = build_steps()
        convert_lines(con)      # every line's revenue in the reporting currency first: every mart reads it
        for folder, name in steps:
            # the table name is a packaged file's stem, never user text
            con.execute(f'create or replace table "{name}" as\n' + sql_text(f"{folder}/{name}.sql"))
        return [name for _, name in steps]

    def ensure_marts(self) -> None:
        """Build marts if any is missing (e.g. a workspace made by an older version)."""
        if not all(table_exists(self.con, m) for m in mart_names()):
            self.build_marts()

    # ----- facts ---------------------------------------------------------------------------------
    def content_hash(self) -> str:
        """Changes whenever the data changes; use it as a cache key together with :attr:`path`."""
        row = self.con.execute("select value from workspace_meta where key = 'data_version'").fetchall()[0]
        return f"{self.path or id(self)}:{row[0]}"

    def setting(self, key: str) -> str | None:
        """An owner's setting kept with the workspace (e.g. ``currency``); None when never set."""
        rows = self.con.execute("select value from workspace_meta where key = ?", ["setting:" + key]).fetchall()
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str | None) -> None:
        """Save a display setting. It is not data: the content hash (the cache key) does not change."""
        self.con.execute("delete from workspace_meta where key = ?", ["setting:" + key])
        if value is not None:
            self.con.execute("insert into workspace_meta values (?, ?)", ["setting:" + key, value])

    def row_counts(self) -> dict[str, int]:
        return {t: self.con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in DATA_TABLES}

    def has_data(self) -> bool:
        return any(self.row_counts().values())

    def has_orders(self) -> bool:
        return bool(self.con.execute("select count(*) from order_lines").fetchall()[0][0])


def _write_json_atomic(path: Path, obj: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def connection(ws_or_con) -> duckdb.DuckDBPyConnection:
    """The DuckDB connection of a :class:`Workspace`, or the connection itself: the one helper that lets a
    function take either."""
    return ws_or_con.con if isinstance(ws_or_con, Workspace) else ws_or_con
