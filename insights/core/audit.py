"""The workspace's privacy log: who did what to personal data, and when (GDPR art. 5(2), accountability).

One row per event in the table ``privacy_log``: an erasure (its receipt), a reveal of masked contact details, an
export of personal data, a retention run, a suppression list loaded. ``subject`` is a pseudonym or a count and
``detail`` holds counts and names of files or segments — never a name, address or phone, so the log itself needs
no erasure. ``actor`` is who asked: the signed-in user in hosted mode, ``local owner`` on one's own machine, or
``command line``.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from insights.core.db import sql_text
from insights.core.workspace import connection

ACTIONS = ("erase", "reveal", "export", "retain", "suppress", "unsuppress", "setting")


def record(ws_or_con, action: str, actor: str | None = None, subject: str | None = None,
           detail: dict | None = None, at: dt.datetime | None = None) -> None:
    """Add one event to the log (it is the owner's record, not data: the content hash does not change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown privacy action {action!r}; expected one of {', '.join(ACTIONS)}")
    connection(ws_or_con).execute(sql_text("queries/core/privacy/log_insert.sql"), {
        "at": at or dt.datetime.now(), "action": action, "actor": actor or "unknown", "subject": subject,
        "detail": json.dumps(detail or {}, default=str, ensure_ascii=False)})


def events(ws_or_con, action: str | None = None) -> pd.DataFrame:
    """The log, newest first (columns at, action, actor, subject, detail as JSON text)."""
    return connection(ws_or_con).execute(sql_text("queries/core/privacy/log.sql"), {"action": action}).df()
