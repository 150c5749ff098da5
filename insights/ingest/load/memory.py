"""The workspace's mapping memory (table ``mapping_memory``): a confirmed mapping is remembered under its layout
signature (``mapping.layout_signature``: the kind plus the normalised headers), so that the next export of the
same layout maps itself."""

from __future__ import annotations

import json

from insights.core.db import first_row


def remembered_layouts(ws) -> dict:
    """Every remembered layout of ``ws`` (none without a workspace): signature -> {"kind", "mapping"}."""
    if ws is None:
        return {}
    rows = ws.con.execute("select layout_signature, kind, mapping from mapping_memory").fetchall()
    return {sig: {"kind": kind, "mapping": json.loads(mapping)} for sig, kind, mapping in rows}


def recall_mapping(con, signature: str) -> dict | None:
    row = first_row(con.execute("select kind, mapping from mapping_memory where layout_signature = ?", [signature]))
    if not row:
        return None
    return {"kind": row[0], "mapping": json.loads(row[1])}


def remember_mapping(con, signature: str, kind: str, mapping: dict[str, int | None]) -> None:
    con.execute("delete from mapping_memory where layout_signature = ?", [signature])
    con.execute("insert into mapping_memory values (?, ?, ?)",
                [signature, kind, json.dumps({k: v for k, v in mapping.items() if v is not None})])
