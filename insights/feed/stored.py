"""The detectors' findings kept in the workspace, so a feed over unchanged data is read, not computed again.

Kept in the workspace table ``feed_results`` (not a mart; ``sql/queries/feed/stored/``) under a key naming
everything the detectors read: the data version (:func:`insights.core.scores.data_version`, which every upload and
mart build changes), the day looked at, the detectors asked, the owner's settings (revenue definition, channel map,
margin …) and the stored model runs (churn and CLV results, by their report's hash), and :data:`VERSION` (raised
when a detector changes what it says). Only the findings are kept: statuses, stories' episodes and measured outcomes
are the owner's and are applied to them on every read. A workspace that cannot be written (read-only) is simply not
remembered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

import duckdb

from insights.core import scores
from insights.core.db import query_rows, sql_text, table_exists
from insights.core.jsonable import to_jsonable
from insights.feed.insight import Insight

log = logging.getLogger(__name__)

VERSION = "2026-12-03.1"
TABLE = "feed_results"


def feed_key(ws, as_of: dt.date, names) -> str | None:
    """The key of the findings of detectors ``names`` as of ``as_of`` on the workspace as it is now (None for
    something that is not a workspace with a data version)."""
    if not hasattr(ws, "content_hash"):
        return None
    con = ws.con
    parts = {"version": VERSION, "data": scores.data_version(ws), "as_of": as_of.isoformat(),
             "detectors": sorted(names), "settings": query_rows(con, "queries/feed/stored/settings.sql"),
             "models": query_rows(con, "queries/feed/stored/model_runs.sql") if table_exists(con, "model_runs")
             else []}
    return hashlib.sha256(json.dumps(parts, default=str).encode("utf-8")).hexdigest()


def read(ws, key: str | None) -> list[Insight] | None:
    """The findings stored under ``key``, in the order they were found; None when there are none."""
    if key is None or not table_exists(ws.con, TABLE):
        return None
    rows = query_rows(ws.con, "queries/feed/stored/read.sql", {"key": key})
    if not rows:
        return None
    return [Insight(**item) for item in json.loads(rows[0][0])]


def write(ws, key: str | None, insights: list[Insight]) -> None:
    """Keep ``insights`` under ``key``, dropping what was stored for older data (nothing when the workspace cannot
    be written)."""
    if key is None:
        return
    items = [to_jsonable({**i.to_dict(), "details": i.details, "status": "new"}) for i in insights]
    for item in items:
        item.pop("id")
    version = scores.data_version(ws)
    try:
        ws.con.execute(sql_text("queries/feed/stored/create.sql"))
        ws.con.execute(sql_text("queries/feed/stored/forget_older.sql"), {"data_version": version, "key": key})
        ws.con.execute(sql_text("queries/feed/stored/write.sql"),
                       {"key": key, "data_version": version, "computed_at": dt.datetime.now().replace(microsecond=0),
                        "insights": json.dumps(items)})
    except duckdb.Error as exc:          # a read-only workspace: the feed is computed each time
        log.info("feed not stored: %s", exc)
