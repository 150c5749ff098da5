"""Static charts of the feed's report: one small chart of the evidence per insight, and the summary of what is at
stake — matplotlib figures (object API, no global state), written as SVG for the HTML report and PNG for the
PDF, so the report needs no browser, no network and no JavaScript.

Per kind: an anomaly shows its metric period by period up to the flagged one, with the expected figure and its
likely range; feedback the detractor shares (or lapse rates) side by side; a funnel leak the group's conversion
against everyone else's; cohorts each month's repeat rate with the recent ones marked. Overdue customers have no
chart (their list is the evidence).
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from matplotlib.figure import Figure

from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import METRICS, daily_series
from insights.feed.insight import Insight

GREY, RED, GREEN, BLUE = "#9aa5b1", "#d64545", "#2f9e6e", "#3d6fb6"
SIZE = (6.4, 2.3)
PERIODS_SHOWN = 12


def _figure(size=SIZE) -> tuple[Figure, object]:
    fig = Figure(figsize=size, dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    return fig, ax


def _anomaly(series: pd.DataFrame, insight: Insight, currency) -> Figure | None:
    weekly = "-W" in insight.period
    index = series.index.to_period("W-SUN" if weekly else "M")
    counted = series[["net_revenue", "orders", "new_customers"]].assign(
        buying=series["conversion"] * series["visits"], seen=series["visits"].where(series["conversion"].notna()))
    grouped = counted.groupby(index).sum()
    grouped["aov"] = grouped["net_revenue"] / grouped["orders"].where(grouped["orders"] > 0)
    grouped["conversion"] = grouped["buying"] / grouped["seen"].where(grouped["seen"] > 0)
    values = grouped[insight.metric].dropna()
    if weekly:
        year, week = (int(p) for p in insight.period.split("-W"))
        flagged = pd.Period(dt.date.fromisocalendar(year, week, 1), "W-SUN")
    else:
        flagged = pd.Period(insight.period, "M")
    if flagged not in values.index:
        return None
    position = values.index.get_loc(flagged)
    values = values.iloc[max(0, position - PERIODS_SHOWN + 1):position + 3]
    labels = [f"{p.start_time:%d %b}" if weekly else f"{p.start_time:%b %y}" for p in values.index]
    fig, ax = _figure()
    colours = [(RED if insight.impact >= 0 and "below" in insight.title else GREEN) if p == flagged else GREY
               for p in values.index]
    ax.bar(range(len(values)), values.to_numpy(), color=colours)
    spot = list(values.index).index(flagged)
    expected, (low, high) = insight.details.get("expected"), insight.details.get("interval", (None, None))
    if expected is not None:
        ax.errorbar([spot], [expected], yerr=[[expected - low], [high - expected]], fmt="o", color="black",
                    capsize=4, markersize=4, label="expected, with its likely range")
        ax.legend(fontsize=7, frameon=False, loc="lower left")
    ax.set_xticks(range(len(values)), labels, rotation=0, fontsize=7)
    money = METRICS[insight.metric][2]
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.1%}" if insight.metric == "conversion"
                                 else format_money(v, currency) if money else f"{v:,.0f}")
    ax.set_title(METRICS[insight.metric][0] + (" by week" if weekly else " by month"), fontsize=9, loc="left")
    return fig


def _pair(title: str, labels: list[str], values: list[float], colours: list[str]) -> Figure:
    fig, ax = _figure((6.4, 1.6))
    ax.barh(range(len(values)), values, color=colours)
    ax.set_yticks(range(len(values)), labels, fontsize=8)
    ax.invert_yaxis()
    for k, v in enumerate(values):
        ax.text(v, k, f" {v:.0%}", va="center", fontsize=8)
    ax.set_xlim(0, max(max(values) * 1.25, 0.05))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_title(title, fontsize=9, loc="left")
    return fig


def _cohorts(insight: Insight) -> Figure | None:
    rates = insight.details.get("cohorts") or {}
    if not rates:
        return None
    first, last = insight.subject["value"].split(" to ")
    fig, ax = _figure()
    months = list(rates)
    colours = [BLUE if first <= m <= last else GREY for m in months]
    ax.bar(range(len(months)), list(rates.values()), color=colours)
    ax.set_xticks(range(len(months)), [m[2:] for m in months], fontsize=7)
    ax.axhline(insight.details["older_rate"], color="black", linewidth=0.8, linestyle="--",
               label="customers who joined before")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    ax.set_title(f"Bought again within {insight.details['window_days']} days, by month joined", fontsize=9, loc="left")
    return fig


def insight_chart(insight: Insight, series: pd.DataFrame | None, currency) -> Figure | None:
    """The evidence chart of one insight (None when its kind has none). ``series``: the shop's daily KPIs
    (:func:`insights.feed.anomalies.daily_series`), needed for anomalies."""
    d = insight.details
    if insight.kind == "anomaly" and series is not None and insight.metric in METRICS:
        return _anomaly(series, insight, currency)
    if insight.kind == "feedback" and "detractor_share" in d:
        return _pair("Share of answers scoring you 0–6", [f"About {insight.subject['value']}", "Other answers"],
                     [d["detractor_share"], d["rest_detractor_share"]], [RED, GREY])
    if insight.kind == "feedback" and "detractor_rate" in d:
        return _pair("Share who have since lapsed", ["Scored you 0–6", "Scored you 9–10"],
                     [d["detractor_rate"], d["promoter_rate"]], [RED, GREY])
    if insight.kind == "funnel":
        return _pair("Visits that end in a purchase", [str(insight.subject["value"]), "Everyone else"],
                     [d["rate"], d["rest_rate"]], [RED, GREY])
    if insight.kind == "cohort":
        return _cohorts(insight)
    return None


def stakes_chart(insights: list[Insight], currency) -> Figure | None:
    """The money at stake of each insight, with its likely range, in rank order."""
    if not insights:
        return None
    fig, ax = _figure((6.4, 0.45 * len(insights) + 0.6))
    mids = [i.impact for i in insights]
    errors = [[max(i.impact - i.impact_low, 0) for i in insights], [max(i.impact_high - i.impact, 0) for i in insights]]
    ax.barh(range(len(insights)), mids, color=BLUE, xerr=errors, error_kw={"capsize": 3, "elinewidth": 0.8})
    ax.set_yticks(range(len(insights)), [f"{k}. {i.kind.replace('_', ' ')}" for k, i in enumerate(insights, 1)],
                  fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _: format_money(v, currency))
    ax.set_title("Money at stake, with its likely range", fontsize=9, loc="left")
    return fig


def figure_bytes(fig: Figure, kind: str) -> bytes:
    """The figure as ``svg`` (text paths, no font needed to show it) or ``png`` bytes."""
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format=kind, metadata={"Date": None} if kind == "svg" else None,
                dpi=160 if kind == "png" else None)
    return buffer.getvalue()


def shop_series(ws, as_of: dt.date) -> pd.DataFrame | None:
    """The daily KPIs the anomaly charts are drawn from."""
    return daily_series(connection(ws), as_of)
