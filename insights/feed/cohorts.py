"""Detector 7: cohorts — do customers who arrived recently come back clearly more (or less) often than those who
arrived before them?

Measure: the **repeat rate** of a cohort (customers by the month of their first purchase) is the share who
bought again within :data:`WINDOW_DAYS` days of their first purchase. Only cohorts whose every customer has
had the whole window before ``as_of`` are compared, so young cohorts are not penalised for the time they have
not had. *Recent*: the last :data:`RECENT_MONTHS` such months; *older*: up to :data:`OLDER_MONTHS` months
before them, leaving out the data's first months — at least :data:`SKIP_FIRST_MONTHS`, and as long as 99 in 100
of the shop's repeat gaps last (:func:`insights.customers.rhythm.purchase_rhythm`): until then, a "new" customer
of the data may be a regular whose earlier orders predate it, and such customers come back less. (On simulated
shops with no story, skipping only two months let 4 in 100 shops show a "better recent cohort": the older
cohorts still held a few per cent of such regulars.) One two-proportion z-test per shop (no batch to correct); shown when p ≤ :data:`ALPHA`, at least
:data:`MIN_CUSTOMERS` customers on each side, and the rates differ by at least :data:`MIN_RELATIVE` of the
older rate and :data:`MIN_POINTS` points.

Money: the difference in repeat rate × the recent cohorts' customers × the average value of a second purchase
(over a year: × 12 / :data:`RECENT_MONTHS`), the range from the normal interval of the difference.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from insights.core.db import query_df
from insights.core.intervals import Z95, two_proportion_p
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.customers.rhythm import purchase_rhythm
from insights.feed.anomalies import confidence_of
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency

WINDOW_DAYS = 90
RECENT_MONTHS = 3
SKIP_FIRST_MONTHS = 3      # at least: the data's first cohorts hold customers who bought before the data begins
SETTLE_QUANTILE = 0.99     # ... and for as long as 99 in 100 of the shop's repeat gaps
MIN_OLDER_MONTHS = 2
OLDER_MONTHS = 12
ALPHA = 0.01
MIN_CUSTOMERS = 100
MIN_RELATIVE = 0.15
MIN_POINTS = 0.03


def repeat_by_cohort(ws, as_of: dt.date) -> pd.DataFrame:
    """One row per cohort month whose customers all had :data:`WINDOW_DAYS` days before ``as_of``: cohort
    (first day of the month), customers, repeaters, repeat_rate, second_value (mean net revenue of the second
    purchase day), oldest first."""
    frame = query_df(connection(ws), "queries/feed/cohorts/first_repeat.sql")
    columns = ["cohort", "customers", "repeaters", "repeat_rate"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    first = pd.to_datetime(frame["first_day"])
    second = pd.to_datetime(frame["second_day"])
    limit = pd.Timestamp(as_of) - pd.Timedelta(days=WINDOW_DAYS)
    frame["cohort"] = first.dt.to_period("M").dt.to_timestamp()
    month_end = frame["cohort"] + pd.offsets.MonthBegin(1)
    frame = frame[month_end <= limit].copy()
    frame["repeated"] = ((second - first).dt.days <= WINDOW_DAYS).reindex(frame.index).fillna(False)
    grouped = frame.groupby("cohort").agg(customers=("customer_id", "size"), repeaters=("repeated", "sum"))
    grouped["repeat_rate"] = grouped["repeaters"] / grouped["customers"]
    return grouped.reset_index()[columns]


def cohort_insights(ws, as_of: dt.date) -> list[Insight]:
    """At most one insight: the recent cohorts against the older ones."""
    cohorts = repeat_by_cohort(ws, as_of)
    if len(cohorts) < SKIP_FIRST_MONTHS + RECENT_MONTHS + MIN_OLDER_MONTHS:
        return []
    rhythm = purchase_rhythm(ws, as_of, (SETTLE_QUANTILE,))
    settle = rhythm.days_at(SETTLE_QUANTILE) if rhythm.repeat_purchases else 0
    settled = cohorts["cohort"] >= cohorts["cohort"].iloc[0] + pd.Timedelta(days=settle)
    cohorts = cohorts[settled].iloc[max(0, SKIP_FIRST_MONTHS - int((~settled).sum())):]
    if len(cohorts) < RECENT_MONTHS + MIN_OLDER_MONTHS:
        return []
    recent = cohorts.iloc[-RECENT_MONTHS:]
    older = cohorts.iloc[-(RECENT_MONTHS + OLDER_MONTHS):-RECENT_MONTHS]
    n1, x1 = int(recent["customers"].sum()), int(recent["repeaters"].sum())
    n2, x2 = int(older["customers"].sum()), int(older["repeaters"].sum())
    if n1 < MIN_CUSTOMERS or n2 < MIN_CUSTOMERS or x2 == 0:
        return []
    r1, r2 = x1 / n1, x2 / n2
    p = two_proportion_p(x1, n1, x2, n2)
    if p > ALPHA or abs(r1 - r2) < MIN_POINTS or abs(r1 / r2 - 1) < MIN_RELATIVE:
        return []
    half = Z95 * math.sqrt(r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2)
    value = float(query_df(connection(ws), "queries/feed/cohorts/second_value.sql")["value"].iloc[0] or 0.0)
    scale = n1 * value * 12 / RECENT_MONTHS
    diff = abs(r1 - r2)
    better = r1 > r2
    first_label, last_label = f"{recent['cohort'].iloc[0]:%b %Y}", f"{recent['cohort'].iloc[-1]:%b %Y}"
    older_label = f"{older['cohort'].iloc[0]:%b %Y} to {older['cohort'].iloc[-1]:%b %Y}"
    if better:
        title = (f"Customers who joined from {first_label} to {last_label} come back more: {r1:.0%} bought again "
                 f"within {WINDOW_DAYS} days, against {r2:.0%} of those who joined before")
        action = ("Find what changed for them — where they came from, what they bought first, the offer or the "
                  "welcome they got — and do more of it.")
    else:
        title = (f"Customers who joined from {first_label} to {last_label} come back less: {r1:.0%} bought again "
                 f"within {WINDOW_DAYS} days, against {r2:.0%} of those who joined before")
        action = ("Find what changed for them — where they came from, what they bought first, their first "
                  "delivery — and send them a second-order offer now.")
    why = (f"{n1:,} customers joined from {first_label} to {last_label} and {n2:,} from {older_label}. The gap is "
           f"{diff * 100:.0f} points (likely between {max(diff - half, 0) * 100:.0f} and {(diff + half) * 100:.0f}); "
           f"a second purchase is worth {format_money(value, workspace_currency(connection(ws)))} on average, so over a year it is worth about the amount shown.")
    return [Insight(kind="cohort", title=title, why=why, action={"text": action}, owner="marketer",
                    period=f"{recent['cohort'].iloc[-1]:%Y-%m}", metric="repeat_rate",
                    subject={"dimension": "cohort", "value": f"{recent['cohort'].iloc[0]:%Y-%m} to "
                                                              f"{recent['cohort'].iloc[-1]:%Y-%m}"},
                    impact=round(diff * scale, 2), impact_low=round(max(diff - half, 0.0) * scale, 2),
                    impact_high=round((diff + half) * scale, 2), confidence=confidence_of(p), evidence_url="/cohorts",
                    details={"direction": "better" if better else "worse", "recent_customers": n1,
                             "recent_repeaters": x1, "older_customers": n2, "older_repeaters": x2,
                             "recent_rate": r1, "older_rate": r2, "p_value": p, "window_days": WINDOW_DAYS,
                             "test": "two-proportion z", "cohorts": {f"{c:%Y-%m}": round(float(r), 4) for c, r in
                                                                     zip(cohorts["cohort"], cohorts["repeat_rate"])}})]
