"""Identifiers kept as keyed hashes: the suppression list and the workspace's key.

A workspace holds a secret key of its own (made on first use, kept in ``workspace_meta``); an identifier is kept as
HMAC-SHA256 of ``"<kind>:<value>"`` under that key, with the value normalised first (an e-mail trimmed and lower
case, a phone in E.164 as the loader stores it, a customer id trimmed). The same address in another workspace has
another hash, and the list holds no address that could be read back or mailed.

The suppression list (table ``suppression``) has two scopes:

- ``erased``: a person erased at their request (GDPR art. 17). Rows carrying one of their identifiers are set
  aside at load (``insights.ingest.load.suppressed``) and never exported.
- ``do_not_contact``: unsubscribed, bounced ("cleaned") or asked not to be contacted (GDPR art. 21). They stay
  in the analysis but no export writes them (:func:`insights.core.consent.consent_filter`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Iterable

import pandas as pd

from insights.core.db import first_row, query_rows, sql_text
from insights.core.workspace import connection

KINDS = ("email", "phone", "customer_id")
ERASED, DO_NOT_CONTACT = "erased", "do_not_contact"
SCOPES = (ERASED, DO_NOT_CONTACT)


def normalise(kind: str, value) -> str | None:
    """The text an identifier is hashed from: e-mails trimmed and lower case, ids and phones trimmed (phones are
    stored in E.164 by the loader; :func:`insights.ingest.load.identity.normalise_phone` makes them so)."""
    if kind not in KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {', '.join(KINDS)}")
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    if kind == "email":
        text = text.lower()
    return text or None


def hash_key(ws_or_con, create: bool = False) -> bytes | None:
    """The workspace's secret key (None when it has none yet and ``create`` is false)."""
    con = connection(ws_or_con)
    row = first_row(con.execute(sql_text("queries/core/privacy/hash_key.sql")))
    if row is None and create:
        con.execute(sql_text("queries/core/privacy/hash_key_insert.sql"), {"value": secrets.token_hex(32)})
        row = first_row(con.execute(sql_text("queries/core/privacy/hash_key.sql")))
    return bytes.fromhex(row[0]) if row else None


def keyed_hash(key: bytes, kind: str, value) -> str | None:
    """HMAC-SHA256 (hex) of the normalised ``kind:value`` under ``key``; None for an empty value."""
    text = normalise(kind, value)
    if text is None:
        return None
    return hmac.new(key, f"{kind}:{text}".encode("utf-8"), hashlib.sha256).hexdigest()


def hashes(ws_or_con, kind: str, values: Iterable, create_key: bool = False) -> dict[str, str]:
    """{value as given: its keyed hash} for every non-empty value (each distinct value hashed once)."""
    key = hash_key(ws_or_con, create=create_key)
    if key is None:
        return {}
    out = {}
    for value in set(v for v in values if v is not None and not (not isinstance(v, str) and pd.isna(v))):
        h = keyed_hash(key, kind, value)
        if h is not None:
            out[value] = h
    return out


def suppressed(ws_or_con, scope: str | None = None) -> set[str]:
    """The identifier hashes on the list (of ``scope``, or of any scope)."""
    rows = query_rows(connection(ws_or_con), "queries/core/privacy/suppression_hashes.sql", {"scope": scope})
    return {r[0] for r in rows}


def add(ws_or_con, kind: str, values: Iterable, scope: str, reason: str, source: str | None = None) -> int:
    """Put identifiers on the list (hashed here; the values themselves are not kept). Returns how many were new."""
    if scope not in SCOPES:
        raise ValueError(f"unknown suppression scope {scope!r}; expected one of {', '.join(SCOPES)}")
    con = connection(ws_or_con)
    found = hashes(con, kind, values, create_key=True)
    if not found:
        return 0
    before = len(suppressed(con, scope))
    frame = pd.DataFrame({"identifier_hash": sorted(set(found.values())), "kind": kind, "scope": scope,
                          "reason": reason, "source": source})
    con.register("_suppress_new", frame)
    try:
        con.execute(sql_text("queries/core/privacy/suppression_insert.sql"), {"added_at": dt.datetime.now()})
    finally:
        con.unregister("_suppress_new")
    return len(suppressed(con, scope)) - before


def remove(ws_or_con, kind: str, values: Iterable, scope: str) -> int:
    """Take identifiers off the list (the owner lets a person back). Returns how many entries were removed."""
    con = connection(ws_or_con)
    found = sorted(set(hashes(con, kind, values).values()))
    if not found:
        return 0
    before = len(suppressed(con, scope))
    con.execute(sql_text("queries/core/privacy/suppression_delete.sql"), {"hashes": found, "scope": scope})
    return before - len(suppressed(con, scope))


def summary(ws_or_con) -> pd.DataFrame:
    """Counts by scope, kind and reason (the list holds no address to show)."""
    con = connection(ws_or_con)
    return con.execute(sql_text("queries/core/privacy/suppression_summary.sql")).df()


def suppressed_rows(ws_or_con, frame: pd.DataFrame, scope: str | None = None,
                    kinds: Iterable[str] = KINDS) -> pd.Series:
    """Per row of ``frame``: does any of its identifier columns (``email``, ``phone``, ``customer_id`` where
    present) hash to an entry of the list? All false when the list is empty."""
    out = pd.Series(False, index=frame.index)
    listed = suppressed(ws_or_con, scope)
    if not listed or frame.empty:
        return out
    for kind in kinds:
        if kind not in frame.columns:
            continue
        found = hashes(ws_or_con, kind, frame[kind].tolist())
        hit = {v for v, h in found.items() if h in listed}
        if hit:
            out |= frame[kind].isin(hit)
    return out
