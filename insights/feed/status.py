"""The owner's statuses of insights: new → seen → acted → closed, or dismissed (with a reason) at any step.

Kept in the workspace table ``insight_status`` (``sql/queries/feed/status/``), which is not a mart: marts are
rebuilt on every upload, this table never is, so a status survives the next upload. An insight without a
row is ``new``.
"""

from __future__ import annotations

import datetime as dt

from insights.core.db import query_df, sql_text, table_exists
from insights.core.workspace import connection
from insights.feed.insight import STATUSES

TABLE = "insight_status"
# where an insight may go from each status (dismissed needs a reason)
NEXT = {
    "new": ("seen", "acted", "dismissed"),
    "seen": ("acted", "closed", "dismissed"),
    "acted": ("closed", "dismissed"),
    "closed": (),
    "dismissed": (),
}


def statuses(ws) -> dict[str, dict]:
    """{insight id: {status, reason, note, changed_at, changed_by}} for every marked insight."""
    con = connection(ws)
    if not table_exists(con, TABLE):
        return {}
    frame = query_df(con, "queries/feed/status/read.sql")
    return {row["insight_id"]: {k: row[k] for k in ("status", "reason", "note", "changed_at", "changed_by")}
            for row in frame.to_dict("records")}


def status_of(ws, insight_id: str) -> str:
    return statuses(ws).get(insight_id, {}).get("status", "new")


def set_status(ws, insight_id: str, status: str, reason: str | None = None, note: str | None = None,
               by: str | None = None) -> None:
    """Move an insight to ``status``. A ValueError for an unknown status, a step the flow does not allow
    (e.g. closed → seen) or a dismissal without a reason."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    current = status_of(ws, insight_id)
    if status != current and status not in NEXT[current]:
        allowed = ", ".join(NEXT[current]) or "nothing (it is finished)"
        raise ValueError(f"an insight that is {current} can move to {allowed}, not to {status}")
    if status == "dismissed" and not (reason or "").strip():
        raise ValueError("say why the insight is dismissed (a reason is required)")
    con = connection(ws)
    con.execute(sql_text("queries/feed/status/create.sql"))
    con.execute(sql_text("queries/feed/status/write.sql"),
                {"insight_id": insight_id, "status": status, "reason": (reason or "").strip() or None,
                 "note": (note or "").strip() or None, "changed_at": dt.datetime.now().replace(microsecond=0),
                 "changed_by": by})
