"""Undo the last load of a workspace: the files of the latest upload and every row they brought go, customers
are matched again over what is left, and the summaries are rebuilt — one transaction, so the workspace is
exactly as it was before that upload (apart from remembered column mappings, which are kept).

Each load records its file ids under ``workspace_meta`` key ``last_load``; an undone load cannot be undone twice
(the key is cleared), and only the latest load can be undone, because a later load's identities and
duplicates were decided against the earlier one's rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from insights.core.db import first_row, quote_ident
from insights.core.workspace import build_steps
from insights.ingest.load.identity import finish_identities, resolve_identities

LAST_LOAD_KEY = "last_load"
# tables whose rows belong to a file by their file id: every canonical table (source_file) and the row reports
_FILE_COLUMNS = ("source_file", "file_id")


@dataclass
class LastLoad:
    """The latest load of a workspace: when, which files, how many rows they brought."""
    loaded_at: str
    files: list[dict] = field(default_factory=list)        # {"file_id", "name", "kind"}

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.files]


def record_last_load(con, loaded_at: str, files: list[dict]) -> None:
    """Inside the load's transaction: remember which files this load wrote (none: an upload of files loaded
    before changed nothing, and leaves nothing to undo — the load before it is no longer the last one)."""
    con.execute("delete from workspace_meta where key = ?", [LAST_LOAD_KEY])
    con.execute("insert into workspace_meta values (?, ?)",
                [LAST_LOAD_KEY, json.dumps({"loaded_at": loaded_at, "files": files})])


def last_load(ws) -> LastLoad | None:
    """The load that :func:`undo_last_load` would undo, or None when there is none to undo."""
    row = first_row(ws.con.execute("select value from workspace_meta where key = ?", [LAST_LOAD_KEY]))
    if not row:
        return None
    data = json.loads(row[0])
    return LastLoad(data["loaded_at"], data["files"]) if data["files"] else None


def _tables_with_file_rows(con) -> list[tuple[str, str]]:
    """(table, file-id column) of every stored table whose rows come from a file; marts are rebuilt instead."""
    rows = con.execute("""select table_name, column_name from information_schema.columns
        where table_schema = 'main' and column_name in ('source_file', 'file_id') and table_name <> 'files'
        order by table_name""").fetchall()
    marts = {name for _, name in build_steps()}
    return [(t, c) for t, c in rows if t not in marts]


def undo_last_load(ws) -> dict:
    """Remove the latest load's files and rows; returns ``{"files": [...], "rows_removed": {table: n}}``.
    Raises LookupError when there is no load to undo."""
    last = last_load(ws)
    if last is None:
        raise LookupError("There is no load to undo in this workspace.")
    ids = [f["file_id"] for f in last.files]
    removed: dict[str, int] = {}
    with ws.transaction() as con:
        tables = _tables_with_file_rows(con)
        names = [t for t, _ in tables]
        for table, column in tables:
            # identifiers come from the workspace's own schema (information_schema), checked by quote_ident
            where = f"from {quote_ident(table, names)} where {quote_ident(column, _FILE_COLUMNS)} in (select unnest($ids))"
            n = con.execute("select count(*) " + where, {"ids": ids}).fetchall()[0][0]
            if n:
                con.execute("delete " + where, {"ids": ids})
                removed[table] = n
        con.execute("delete from files where file_id in (select unnest($ids))", {"ids": ids})
        con.execute("delete from workspace_meta where key = ?", [LAST_LOAD_KEY])
        resolve_identities(con)
        finish_identities(con)
        ws.build_marts_in(con)
    return {"loaded_at": last.loaded_at, "files": last.names, "rows_removed": removed}
