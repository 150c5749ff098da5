"""The feed: every detector's insights, with the owner's statuses, ranked by money at stake × confidence.

A detector is a function ``detector(ws, as_of) -> list[Insight]`` (the workspace, and the day after the last
day it may look at); new ones plug in by being added to :data:`DETECTORS`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Callable

import pandas as pd

from insights.core.dates import data_end
from insights.core.db import query_rows, table_exists
from insights.core.workspace import connection
from insights.feed.anomalies import kpi_anomalies
from insights.feed.budget import move_budget
from insights.feed.churn_drivers import churn_drivers
from insights.feed.cohorts import cohort_insights
from insights.feed.cross_sell import cross_sell_gaps
from insights.feed.feedback import feedback_insights
from insights.feed.funnel_leaks import funnel_leaks
from insights.feed.insight import STANDING_KINDS, Insight
from insights.feed.outcome import acted_insights, exports, measured_lift
from insights.feed.overdue import overdue_valuable_customers
from insights.feed.second_purchase import second_purchase_drivers
from insights.feed import stored
from insights.feed.status import statuses
from insights.feed.value_source import value_sources

log = logging.getLogger(__name__)

Detector = Callable[..., list[Insight]]
DETECTORS: dict[str, Detector] = {
    "anomaly": kpi_anomalies,
    "overdue": overdue_valuable_customers,
    "second_purchase": second_purchase_drivers,
    "feedback": feedback_insights,
    "funnel": funnel_leaks,
    "cohort": cohort_insights,
    "value_source": value_sources,
    "churn_driver": churn_drivers,
    "budget": move_budget,
    "cross_sell": cross_sell_gaps,
}


def period_range(period: str) -> tuple[dt.date, dt.date]:
    """[start, stop) of a period key: ``2025-07`` (a month) or ``2025-W28`` (an ISO week)."""
    if "-W" in period:
        year, week = period.split("-W")
        start = dt.date.fromisocalendar(int(year), int(week), 1)
        return start, start + dt.timedelta(days=7)
    year, month = (int(p) for p in period.split("-")[:2])
    start = dt.date(year, month, 1)
    return start, dt.date(year + month // 12, month % 12 + 1, 1)


def default_as_of(ws) -> dt.date | None:
    """The day after the last order: the feed looks at everything up to the end of the data."""
    end = data_end(ws)
    return None if end is None else end.date()


def last_load(ws) -> dt.datetime | None:
    """When the workspace last loaded a file (None: never, e.g. tables written directly)."""
    con = connection(ws)
    if not table_exists(con, "files"):
        return None
    value = query_rows(con, "queries/feed/status/last_load.sql")[0][0]
    return None if value is None else pd.Timestamp(value).to_pydatetime()


def in_story(insight: Insight, marked: dict[str, dict], loaded: dt.datetime | None) -> Insight:
    """A standing insight (:data:`~insights.feed.insight.STANDING_KINDS`) as an episode of its story: the first
    episode the owner has not closed or dismissed — or the closed one itself while no file was loaded after it was
    closed (it stays closed until new data finds it again). Other insights are returned as they are."""
    if insight.kind not in STANDING_KINDS:
        return insight
    episode = 0
    while True:
        candidate = replace(insight, episode=episode)
        stored = marked.get(candidate.id)
        if stored is None or stored["status"] not in ("closed", "dismissed"):
            return candidate
        if loaded is None or pd.Timestamp(stored["changed_at"]) >= pd.Timestamp(loaded):
            return candidate
        episode += 1


def findings(ws, as_of: dt.date, detectors: dict[str, Detector] | None = None) -> list[Insight]:
    """Every detector's insights as of ``as_of``, in detector order, without statuses: read from the workspace
    when the data, settings and stored models are as they were when last computed (:mod:`insights.feed.stored`),
    else computed and kept. Detectors passed in (tests, benchmarks) are always run, never kept."""
    chosen = detectors or DETECTORS
    key = stored.feed_key(ws, as_of, chosen) if detectors is None else None
    kept = stored.read(ws, key)
    if kept is not None:
        return kept
    out = []
    for name, detector in chosen.items():
        out += detector(ws, as_of)
        log.info("detector %s: %d insights", name, len(out))
    stored.write(ws, key, out)
    return out


def build_feed(ws, as_of=None, since=None, detectors: dict[str, Detector] | None = None) -> list[Insight]:
    """Every insight as of ``as_of`` (default: the end of the data) whose period ends after ``since`` (a date;
    None: all), each with its stored status, best first (impact × confidence weight; ties by period, newest
    first, then id). An insight whose list was exported with a control group stays (as it read when acted on,
    whatever its period) with its measured outcome in ``details["outcome"]``
    (:func:`insights.feed.outcome.measured_lift`)."""
    as_of = pd.Timestamp(as_of).date() if as_of is not None else default_as_of(ws)
    if as_of is None:
        return []
    since = pd.Timestamp(since).date() if since is not None else None
    marked = statuses(ws)
    loaded = last_load(ws)
    found: dict[str, Insight] = {}
    for insight in findings(ws, as_of, detectors):
        insight = in_story(insight, marked, loaded)
        found.setdefault(insight.id, insight)
    for insight in acted_insights(ws):          # acted on with a control: kept as it read then, with its outcome
        found.setdefault(insight.id, insight)
    exported = set(exports(ws)["insight_id"])
    out = []
    for insight in found.values():
        if insight.id in exported:
            insight = replace(insight, details={**insight.details, "outcome": measured_lift(ws, insight.id, as_of)})
        elif since is not None and period_range(insight.period)[1] <= since:
            continue
        stored = marked.get(insight.id)
        out.append(insight.with_status(stored["status"]) if stored else insight)
    return sorted(out, key=lambda i: (-i.score, -period_range(i.period)[0].toordinal(), i.id))


def feed_json(insights: list[Insight]) -> dict:
    """The command line's shape: ``{"insights": [ … ]}``, in rank order."""
    return {"insights": [i.to_dict() for i in insights]}


# what the page offers to look back over (days before the end of the data; None: everything)
WINDOWS = {"this week": 7, "the last 4 weeks": 28, "the last 3 months": 91, "the last 12 months": 365,
           "all history": None}


def window_start(window: str, as_of) -> dt.date | None:
    """The first day of a :data:`WINDOWS` choice ending at ``as_of`` (None for all history)."""
    days = WINDOWS[window]
    return None if days is None or as_of is None else pd.Timestamp(as_of).date() - dt.timedelta(days=days)


def with_current_statuses(ws, insights: list[Insight]) -> list[Insight]:
    """The same insights with the statuses stored now (a remembered feed may hold older ones)."""
    marked = statuses(ws)
    return [i.with_status(marked[i.id]["status"]) if i.id in marked else i.with_status("new") for i in insights]


def choose(insights: list[Insight], owners=None, wanted_statuses=None, since=None) -> list[Insight]:
    """The insights for these owners and statuses (None: any) about periods ending after ``since`` (or with a
    measured outcome); rank kept."""
    since = pd.Timestamp(since).date() if since is not None else None
    return [i for i in insights
            if (not owners or i.owner in owners) and (not wanted_statuses or i.status in wanted_statuses)
            and (since is None or period_range(i.period)[1] > since or "outcome" in i.details)]
