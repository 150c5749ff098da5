"""Detector 1: KPI anomalies — a week or month whose net revenue, orders, new customers, AOV or conversion (web
visits ending in a purchase, where events are loaded) lies clearly outside what the days before predict
(:mod:`insights.feed.baseline`). (NPS is not watched here: a day holds too few answers for a daily series; the
feedback detector reads it.)

Periods tested: every complete calendar month with at least :data:`MIN_HISTORY_DAYS` ``["month"]`` days of
history before it, and the last :data:`RECENT_WEEKS` complete ISO weeks with at least ``["week"]`` days.
A period with fewer than :data:`MIN_ORDERS` expected orders is not tested (too little to tell); new customers are
tested only after a year of data (:data:`NEW_CUSTOMERS_MIN_DAYS`: before that, regulars whose earlier orders
predate the data still arrive as "new"). Every test of
the batch (all series × periods) is corrected together with Benjamini–Hochberg (statsmodels
``multipletests``); an anomaly is reported when its adjusted p-value (q) is at most :data:`FALSE_ALARM_RATE`
and the figure is at least :data:`MIN_CHANGE` away from the expected one. Confidence in words from q: high
≤ 0.001, medium ≤ 0.01, low otherwise.

One story, one insight: metrics that moved together in the same period are folded into the first of
net revenue, orders, new customers, AOV, conversion; a week inside a flagged month moving the same way is folded into it.
Revenue and order anomalies are attributed (:mod:`insights.feed.attribution`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from insights.core.db import query_df, query_rows
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.attribution import attribute
from insights.feed.baseline import Expectation, day_numbers, expect
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency

METRICS = {   # name: (words, how, is money)
    "net_revenue": ("Revenue", "sum", True),
    "orders": ("Orders", "sum", False),
    "new_customers": ("New customers", "sum", False),
    "aov": ("Average order value", "mean", True),
    "conversion": ("Conversion", "mean", False),
}
MIN_DAILY_VISITS = 20      # a day with fewer web visits has no conversion figure (one visit more moves it too much)
MIN_HISTORY_DAYS = {"week": 56, "month": 182}
# a customer's first order in the data is not their first order when they bought before the data begins: the
# "new" customers of the data's first year include regulars seen for the first time, falling away month by month
NEW_CUSTOMERS_MIN_DAYS = 365
RECENT_WEEKS = 13
MIN_ORDERS = 30
MIN_CHANGE = 0.10
FALSE_ALARM_RATE = 0.05


@dataclass(frozen=True)
class PeriodTest:
    metric: str
    grain: str
    start: dt.date
    stop: dt.date
    result: Expectation


def daily_series(con, as_of: dt.date) -> pd.DataFrame | None:
    """Daily net_revenue, orders, new_customers, aov, visits and conversion (visits with a purchase / visits, on
    days with at least :data:`MIN_DAILY_VISITS` visits) from the first order day to the day before ``as_of``."""
    first, _ = query_rows(con, "queries/feed/anomalies/order_days.sql")[0]
    if first is None or first >= as_of:
        return None
    frame = query_df(con, "queries/feed/anomalies/daily_kpis.sql", {"start": first, "end": as_of})
    frame.index = pd.DatetimeIndex(pd.to_datetime(frame.pop("order_date")))
    frame = frame.astype(float)
    frame["aov"] = frame["net_revenue"] / frame["orders"].where(frame["orders"] > 0)
    web = query_df(con, "queries/feed/anomalies/daily_web.sql", {"start": first, "end": as_of})
    web.index = pd.DatetimeIndex(pd.to_datetime(web.pop("order_date")))
    web = web.reindex(frame.index).astype(float)
    frame["visits"] = web["visits"].fillna(0.0)
    frame["conversion"] = (web["buying_visits"] / web["visits"]).where(web["visits"] >= MIN_DAILY_VISITS)
    if not web["buying_visits"].fillna(0).sum():       # no purchase events: the shop's web data has no conversion
        frame["conversion"] = np.nan
    return frame


def candidate_periods(first: dt.date, as_of: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(grain, start, stop) of the complete months and recent complete weeks with enough history."""
    out = []
    month = dt.date(first.year, first.month, 1)
    while True:
        stop = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if stop > as_of:
            break
        if (month - first).days >= MIN_HISTORY_DAYS["month"]:
            out.append(("month", month, stop))
        month = stop
    week_stop = as_of - dt.timedelta(days=as_of.weekday())
    for k in range(RECENT_WEEKS, 0, -1):
        stop = week_stop - dt.timedelta(days=7 * (k - 1))
        start = stop - dt.timedelta(days=7)
        if (start - first).days >= MIN_HISTORY_DAYS["week"]:
            out.append(("week", start, stop))
    return out


def run_tests(series: pd.DataFrame, as_of: dt.date) -> list[PeriodTest]:
    """Every metric × period test with enough history and volume."""
    first = series.index[0].date()
    days = day_numbers(series.index)
    columns = {}
    for metric in METRICS:
        columns[metric] = series[metric].copy()
        columns[metric].attrs["day_numbers"] = days
    tests = []
    for grain, start, stop in candidate_periods(first, as_of):
        orders = expect(columns["orders"], start, stop, "sum", MIN_HISTORY_DAYS[grain])
        if orders is None or orders.expected < MIN_ORDERS:
            continue
        tests.append(PeriodTest("orders", grain, start, stop, orders))
        for metric, (_, how, _) in METRICS.items():
            if metric == "new_customers" and (start - first).days < NEW_CUSTOMERS_MIN_DAYS:
                continue
            if metric != "orders":
                result = expect(columns[metric], start, stop, how, MIN_HISTORY_DAYS[grain])
                if result is not None:
                    tests.append(PeriodTest(metric, grain, start, stop, result))
    return tests


def flagged(tests: list[PeriodTest]) -> list[tuple[PeriodTest, float]]:
    """The tests that clear the bar, with their Benjamini–Hochberg adjusted p-values."""
    if not tests:
        return []
    _, q_values, _, _ = multipletests([t.result.p_value for t in tests], alpha=FALSE_ALARM_RATE, method="fdr_bh")
    return [(t, float(q)) for t, q in zip(tests, q_values)
            if q <= FALSE_ALARM_RATE and abs(t.result.change) >= MIN_CHANGE
            and not (t.result.low <= t.result.actual <= t.result.high)]


def confidence_of(q: float) -> str:
    return "high" if q <= 0.001 else "medium" if q <= 0.01 else "low"


def period_key(grain: str, start: dt.date) -> str:
    if grain == "month":
        return f"{start:%Y-%m}"
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def period_words(grain: str, start: dt.date) -> str:
    return f"{start:%B %Y}" if grain == "month" else f"the week of {start.day} {start:%b %Y}"


def _fold(hits: list[tuple[PeriodTest, float]]) -> list[tuple[PeriodTest, float, list[PeriodTest]]]:
    """Group the flagged tests into stories: (lead test, its q, the other tests told with it)."""
    order = list(METRICS)
    hits = sorted(hits, key=lambda h: (h[0].grain != "month", h[0].start, order.index(h[0].metric)))
    stories: list[tuple[PeriodTest, float, list[PeriodTest]]] = []
    for test, q in hits:
        sign = np.sign(test.result.change)
        home = next((s for s in stories if np.sign(s[0].result.change) == sign and s[0].start <= test.start
                     and test.stop <= s[0].stop), None)
        if home is None:
            stories.append((test, q, []))
        else:
            home[2].append(test)
    return stories


def _money_at_stake(test: PeriodTest, series: pd.DataFrame) -> tuple[float, float, float]:
    """(impact, low, high) in money: the distance from the actual figure to the expected one and to the
    interval's two ends, valued at the order value before the period for counts and × orders for AOV."""
    r = test.result
    distances = sorted([abs(r.actual - r.low), abs(r.actual - r.high)])
    gap = abs(r.actual - r.expected)
    if test.metric == "net_revenue":
        factor = 1.0
    elif test.metric == "conversion":          # the rate's gap × the period's visits × the order value before it
        period = (series.index >= pd.Timestamp(test.start)) & (series.index < pd.Timestamp(test.stop))
        before = series[series.index < pd.Timestamp(test.start)].iloc[-91:]
        value = float(before["net_revenue"].sum() / before["orders"].sum()) if before["orders"].sum() else 0.0
        factor = float(series.loc[period & series["conversion"].notna(), "visits"].sum()) * value
    elif test.metric == "aov":
        factor = float(series["orders"][(series.index >= pd.Timestamp(test.start))
                                        & (series.index < pd.Timestamp(test.stop))].sum())
    else:
        before = series[series.index < pd.Timestamp(test.start)].iloc[-91:]
        factor = float(before["net_revenue"].sum() / before["orders"].sum()) if before["orders"].sum() else 0.0
    return gap * factor, distances[0] * factor, distances[1] * factor


def _figure(metric: str, value: float, currency) -> str:
    if metric == "conversion":
        return f"{value:.2%}"
    return format_money(value, currency) if METRICS[metric][2] else f"{value:,.0f}"


def kpi_anomalies(ws, as_of: dt.date) -> list[Insight]:
    """The anomaly insights of the workspace as of ``as_of`` (periods ending on or before it)."""
    con = connection(ws)
    series = daily_series(con, as_of)
    if series is None:
        return []
    currency = workspace_currency(con)
    tests = run_tests(series, as_of)
    out = []
    for lead, q, others in _fold(flagged(tests)):
        r = lead.result
        direction = 1 if r.change > 0 else -1
        words, _, _ = METRICS[lead.metric]
        when = period_words(lead.grain, lead.start)
        before = "previous months" if lead.grain == "month" else "previous weeks"
        verb = "were" if lead.metric in ("orders", "new_customers") else "was"
        title = (f"{words} in {when} {verb} {abs(r.change):.0%} {'above' if direction > 0 else 'below'} what the "
                 f"{before} predict ({_figure(lead.metric, r.actual, currency)} against "
                 f"{_figure(lead.metric, r.expected, currency)} expected)")
        attribution = attribute(con, lead.start, lead.stop, direction) if lead.metric in ("net_revenue", "orders") \
            else None
        also = sorted({METRICS[t.metric][0].lower() for t in others if t.metric != lead.metric})
        why = [f"Expected {_figure(lead.metric, r.low, currency)} to {_figure(lead.metric, r.high, currency)} "
               f"(the likely range) from the {before}, allowing for the weekday pattern, the trend and the number of days."]
        if also:
            why.append(f"Also unusual in the same period: {', '.join(also)}.")
        if attribution is not None:
            if attribution.dimension != "shop":
                why.append(f"{attribution.dimension.capitalize()} {attribution.value} explains "
                           f"{min(attribution.share, 1.0):.0%} of the move.")
            why.append(attribution.reason)
            why.append(f"The revenue bridge against the period before: {attribution.details['bridge']}")
            action = {"text": attribution.action, "cause": attribution.cause}
            subject = {"dimension": attribution.dimension, "value": attribution.value}
            owner = attribution.owner
        elif lead.metric == "conversion":
            action = {"text": "Open the funnel page for this period: find the step and the visitors that changed, "
                              "and check what changed on the site then (a release, a payment method, prices).",
                      "cause": "demand"}
            subject, owner = {"dimension": "shop", "value": "all"}, "manager"
        else:
            action = {"text": "See which customers and products moved on the KPI page before acting.",
                      "cause": "demand"}
            subject, owner = {"dimension": "shop", "value": "all"}, "manager"
        impact, low, high = _money_at_stake(lead, series)
        details = dict(test="two-sided z on the period total", q_value=q, p_value=r.p_value, z=r.z,
                       expected=r.expected, interval=[r.low, r.high], actual=r.actual, history_days=r.history_days,
                       tests_in_batch=len(tests), folded=[f"{t.metric} {period_key(t.grain, t.start)}" for t in others])
        if attribution is not None:
            details.update(attribution.details)
        out.append(Insight(kind="anomaly", title=title, why=" ".join(why), action=action, owner=owner,
                           period=period_key(lead.grain, lead.start), metric=lead.metric, subject=subject,
                           impact=round(impact, 2), impact_low=round(low, 2), impact_high=round(high, 2),
                           confidence=confidence_of(q), details=details,
                           evidence_url="/funnel" if lead.metric == "conversion" else "/kpis"))
    return out
