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
from insights.feed.anomalies import kpi_anomalies
from insights.feed.cohorts import cohort_insights
from insights.feed.cross_sell import cross_sell_gaps
from insights.feed.feedback import feedback_insights
from insights.feed.funnel_leaks import funnel_leaks
from insights.feed.insight import Insight
from insights.feed.outcome import acted_insights, exports, measured_lift
from insights.feed.overdue import overdue_valuable_customers
from insights.feed.second_purchase import second_purchase_drivers
from insights.feed.status import statuses

log = logging.getLogger(__name__)

Detector = Callable[..., list[Insight]]
DETECTORS: dict[str, Detector] = {
    "anomaly": kpi_anomalies,
    "overdue": overdue_valuable_customers,
    "second_purchase": second_purchase_drivers,
    "feedback": feedback_insights,
    "funnel": funnel_leaks,
    "cohort": cohort_insights,
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
    found: dict[str, Insight] = {}
    for name, detector in (detectors or DETECTORS).items():
        for insight in detector(ws, as_of):
            found.setdefault(insight.id, insight)
        log.info("detector %s: %d insights", name, len(found))
    for insight in acted_insights(ws):          # acted on with a control: kept as it read then, with its outcome
        found.setdefault(insight.id, insight)
    exported = set(exports(ws)["insight_id"])
    marked = statuses(ws)
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
