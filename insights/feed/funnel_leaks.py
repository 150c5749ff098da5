"""Detector 6: funnel leaks — the step of the web funnel losing the most orders, and the group of visitors
(device, channel, country, new or returning) for whom it is clearly worse (the funnel room:
:func:`insights.funnel.funnel`).

A group is a leak when it converts from first step to purchase less than everyone else, Holm-adjusted over
every group compared (the funnel room's ``worse``), with adjusted p ≤ :data:`ALPHA`, at least
:data:`MIN_ORDERS_LOST` orders lost and a conversion at most :data:`MAX_RELATIVE` of the rest's. A group with
no purchase at all is no leak: it is said as a tracking gap (:func:`tracking_gaps`: its purchases recorded under
another label, or not at all), with no money at stake. The step named is the one where the group falls furthest
behind the rest, counted in orders (its shortfall at that step × the rest's conversion from there to the
purchase).

Money at stake, for a month: orders lost per 30 days of events × the average order value of the same days;
the range from the Wilson interval of the rest's conversion.
"""

from __future__ import annotations

import datetime as dt

from insights.core.db import query_rows
from insights.core.intervals import wilson
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import confidence_of, period_key
from insights.feed.insight import Insight
from insights.funnel import DIMENSIONS, funnel
from insights.performance.kpis import workspace_currency

ALPHA = 0.01
MIN_EXPECTED_PURCHASES = 20      # a group with none at all is told as a tracking gap when it "should" have had this many
UNKNOWN = ("unknown", "")
MIN_ORDERS_LOST = 20
MAX_RELATIVE = 0.85
MAX_LEAKS = 2
OWNER = {"device": "manager", "channel": "marketer", "country": "operations", "visitor": "marketer"}
ACTION = {"device": "Go through the {step} step on a {value} yourself (or watch session recordings) and fix what "
                    "stops people there.",
          "channel": "Check what visitors from {value} see at the {step} step (landing page, offer, price shown) "
                     "and fix it or move budget.",
          "country": "Check the {step} step for visitors from {value}: shipping cost, payment methods, language.",
          "visitor": "Check the {step} step for {value} visitors: account prompts, forms, offers."}


def _worst_step(group: dict, overall: list[dict]) -> tuple[str, float]:
    """(step label, orders lost there): where ``group`` falls furthest behind the rest (overall minus group)."""
    mine = [s["sessions"] for s in group["steps"]]
    rest = [o["sessions"] - m for o, m in zip((s for s in overall), mine)]
    best, best_lost = overall[1]["step"], -1.0
    for k in range(1, len(mine)):
        if not rest[k - 1] or not mine[k - 1]:
            continue
        shortfall = mine[k - 1] * (rest[k] / rest[k - 1]) - mine[k]
        downstream = rest[-1] / rest[k] if rest[k] else 0.0
        if shortfall * downstream > best_lost:
            best, best_lost = overall[k]["step"], shortfall * downstream
    return best, best_lost


def tracking_gaps(result, first: dt.date, last: dt.date) -> list[Insight]:
    """A group of visits (a channel, device or country as the events name it) with no purchase recorded at all
    while the rest of the visits buy — at least :data:`MIN_EXPECTED_PURCHASES` at their rate: a tracking gap (its
    purchases recorded under another label, or not at all), not a leak. Said, with no money at stake (the orders
    exist or not whatever the analytics say); a group whose value is unknown (visits without a country, visitors
    who cannot be told new or returning) is no group of its own and is left out."""
    out = []
    total_done, total_in = result.steps[-1]["sessions"], result.entrants
    for group in result.by:
        value = str(group["value"] if group["value"] is not None else "")
        if group["purchases"] or value.strip().lower() in UNKNOWN:
            continue
        rest_in, rest_done = total_in - group["entrants"], total_done - group["purchases"]
        expected = group["entrants"] * rest_done / rest_in if rest_in else 0.0
        if expected < MIN_EXPECTED_PURCHASES:
            continue
        dim = group["dimension"]
        words = DIMENSIONS[dim].lower()
        out.append(Insight(
            kind="funnel", metric="tracking", owner="manager", evidence_url="/funnel",
            period=period_key("month", dt.date(last.year, last.month, 1)),
            title=(f"No purchase is recorded from {group['entrants']:,} visits from {value} ({words}): a tracking "
                   "gap, not a leak"),
            why=(f"Between {first:%d %b %Y} and {last:%d %b %Y} not one of the {group['entrants']:,} visits from "
                 f"{value} ended in a recorded purchase, while {rest_done / rest_in:.1%} of the other visits did "
                 f"(about {expected:,.0f} purchases at that rate). A group of visitors that never buys at all is "
                 "almost always a tracking gap: their purchases are recorded under another label, or the purchase "
                 "event is not sent for them. Until it is fixed, the funnel cannot say how these visitors buy."),
            action={"text": f"Check your web analytics set-up for {value}: does the purchase event carry the "
                            f"{words} of the visit? Fix the tracking rather than the shop."},
            subject={"dimension": dim, "value": value}, impact=0.0, impact_low=0.0, impact_high=0.0,
            confidence="high", details={"entrants": group["entrants"], "purchases": 0, "expected": expected,
                                        "rate": 0.0, "rest_rate": rest_done / rest_in}))
    return out


def funnel_leaks(ws, as_of: dt.date) -> list[Insight]:
    """At most :data:`MAX_LEAKS` insights: the clearest groups losing orders in the funnel (events before
    ``as_of`` only are in the funnel room's data; it reads every event)."""
    con = connection(ws)
    first, last, aov = query_rows(con, "queries/feed/funnel/event_span.sql", {"stop": as_of})[0]
    if first is None:
        return []
    result = funnel(ws)
    if result.entrants == 0 or not result.steps or not result.steps[-1]["sessions"]:
        return []
    days = max((last - first).days + 1, 1)
    currency = workspace_currency(con)
    month = as_of - dt.timedelta(days=1)
    out = tracking_gaps(result, first, last)
    for group in result.by:
        if len([i for i in out if i.metric == "conversion"]) >= MAX_LEAKS:
            break
        if not group["worse"] or group["p_adjusted"] > ALPHA or (group["orders_lost"] or 0) < MIN_ORDERS_LOST:
            continue
        rest_entrants = result.entrants - group["entrants"]
        rest_done = result.steps[-1]["sessions"] - group["purchases"]
        rest_rate = rest_done / rest_entrants
        rate = group["purchases"] / group["entrants"]
        if rate > MAX_RELATIVE * rest_rate or group["purchases"] == 0:
            continue
        low_rate, high_rate = wilson(rest_done, rest_entrants)
        per_month = 30.0 / days * float(aov or 0)
        lost = group["orders_lost"]
        low = max(0.0, group["entrants"] * low_rate - group["purchases"])
        high = max(0.0, group["entrants"] * high_rate - group["purchases"])
        step, at_step = _worst_step(group, result.steps)
        dim, value = group["dimension"], group["value"]
        words = DIMENSIONS[dim].lower()
        out.append(Insight(
            kind="funnel", metric="conversion", owner=OWNER.get(dim, "manager"), evidence_url="/funnel",
            period=period_key("month", dt.date(month.year, month.month, 1)),
            title=(f"The {step.lower()} step loses orders on {value} ({words}): {rate:.1%} of its visits end in a "
                   f"purchase against {rest_rate:.1%} for everyone else — about {lost * 30 / days:,.0f} orders a month"),
            why=(f"{group['entrants']:,} visits from {value} between {first:%d %b %Y} and {last:%d %b %Y} ended in "
                 f"{group['purchases']:,} purchases; at everyone else's rate they would have made {lost:,.0f} more. "
                 f"Most of the gap opens at the {step.lower()} step (about {max(at_step, 0):,.0f} of those orders). "
                 f"An order is worth {format_money(aov, currency)} on average."),
            action={"text": ACTION.get(dim, ACTION["device"]).format(step=step.lower(), value=value)},
            subject={"dimension": dim, "value": value},
            impact=round(lost * per_month, 2), impact_low=round(low * per_month, 2),
            impact_high=round(high * per_month, 2), confidence=confidence_of(group["p_adjusted"]),
            details={"entrants": group["entrants"], "purchases": group["purchases"], "rest_rate": rest_rate,
                     "rate": rate, "orders_lost": lost, "worst_step": step, "orders_lost_at_step": at_step,
                     "p_value": group["p_value"], "p_adjusted": group["p_adjusted"], "event_days": days,
                     "test": "two-proportion z against the rest, Holm over every group"}))
    return out
