"""Pseudonymised exports (GDPR art. 4(5), art. 25): a table an analyst can work with that names nobody.

:func:`pseudonymise` drops every column that names or reaches a person (:data:`PERSONAL_COLUMNS`: name, e-mail,
phone, city, address …) and replaces ids that lead back to one (:data:`ID_COLUMNS`: customer, order and session
ids) with stable pseudonyms — a keyed hash under the workspace's own key (:mod:`insights.core.suppression`), so the
same customer has the same pseudonym in every export of this workspace, and nobody without the workspace can
turn one back into the id. Free text that may name someone (comments, pages) is dropped too.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from insights.core.suppression import hash_key
from insights.core.workspace import connection

PERSONAL_COLUMNS = frozenset({
    "name", "first_name", "last_name", "full_name", "customer_name", "email", "phone", "city", "address", "street", "zip",
    "postcode", "postal_code", "search_name", "search_email", "search_phone", "text", "comment", "page",
    "attributes", "ip", "user_agent", "display_name"})
ID_COLUMNS = {"customer_id": "c", "source_customer_id": "c", "order_id": "o", "session_id": "s",
              "_customer": "c"}
RULE = ("Pseudonymised for analysis: no names, e-mails, phones, addresses or free text; customer, order and "
        "session ids replaced by stable pseudonyms. Nobody can be contacted from it, so e-mail consent does not "
        "decide who is in it.")


def pseudonym(key: bytes, prefix: str, value) -> str | None:
    """``c_`` + 16 hex digits of HMAC-SHA256 of the id under the workspace's key (None stays None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    digest = hmac.new(key, f"pseudonym:{prefix}:{str(value).strip()}".encode("utf-8"), hashlib.sha256)
    return f"{prefix}_{digest.hexdigest()[:16]}"


def pseudonymise(ws_or_con, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without personal columns, its id columns replaced by pseudonyms (column names kept)."""
    key = hash_key(connection(ws_or_con), create=True)
    out = frame.drop(columns=[c for c in frame.columns if str(c).lower() in PERSONAL_COLUMNS])
    for column, prefix in ID_COLUMNS.items():
        if column in out.columns:
            values = out[column]
            mapping = {v: pseudonym(key, prefix, v) for v in pd.unique(values.dropna())}
            out[column] = values.map(mapping).astype(object).where(values.notna(), None)
    return out
