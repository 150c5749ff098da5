"""Detector 2: what explains an anomaly, and whether it is supply or demand.

Where: the revenue of each category, channel and country in the flagged period is compared with what it would
have been at the pace of the days before (:func:`insights.performance.kpis.largest_movers`, scaled per day).
A value *explains* the anomaly when it moved more than its share of the shop's move: its excess over a
proportional move, as a share of the shop's move, is at least :data:`EXPLAINS_SHARE`. Otherwise the anomaly
is shop-wide (subject ``shop``/``all``).

Why: **supply** when a category's revenue fell to about nothing (at most :data:`SUPPLY_REVENUE_RATIO` of its
pace) while its product views went on (at least :data:`VIEWS_CONTINUE_RATIO` of their pace) and its
add-to-carts stopped (when carts name a product at all) — people wanted it and could not buy it. **Demand**
otherwise: visits or conversion moved, which the evidence says in numbers. The action follows the cause.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from insights.core.db import query_df, query_rows
from insights.core.workspace import connection
from insights.performance.kpis import explain_bridge, largest_movers, revenue_bridge

EXPLAINS_SHARE = 0.4
SUPPLY_REVENUE_RATIO = 0.25
VIEWS_CONTINUE_RATIO = 0.6
CARTS_STOP_RATIO = 0.4
MIN_VIEWS = 30            # fewer base-period views of a category than this tell nothing
DIMENSIONS = ("category", "channel", "country")


@dataclass(frozen=True)
class Attribution:
    dimension: str
    value: str
    share: float                 # the share of the shop's move this value explains beyond its own size
    cause: str                   # supply | demand
    reason: str                  # owner's words: the evidence of the cause
    action: str
    owner: str
    details: dict = field(default_factory=dict)


def base_range(start: dt.date, stop: dt.date) -> tuple[dt.date, dt.date]:
    """The days before a period that set its pace: 8 weeks before a week, 13 weeks before a longer period."""
    days = (stop - start).days
    return start - dt.timedelta(days=56 if days <= 7 else 91), start


def explaining_value(movers: pd.DataFrame, scale: float, direction: int) -> tuple[str, str, float, float] | None:
    """(dimension, value, share, revenue ratio) of the value whose excess move explains most of the shop's
    move in ``direction`` (−1 fall, +1 rise); None when no value moved beyond its share."""
    best = None
    for dim in DIMENSIONS:
        part = movers[(movers["dimension"] == dim) & (movers["value"] != "(none)")]
        if part.empty:
            continue
        expected = part["revenue_a"] * scale
        total_expected, total_change = expected.sum(), part["revenue_b"].sum() - expected.sum()
        if total_expected <= 0 or total_change == 0 or (total_change > 0) != (direction > 0):
            continue
        excess = (part["revenue_b"] - expected) - expected / total_expected * total_change
        share = excess / total_change
        i = share.idxmax()
        if share[i] >= EXPLAINS_SHARE and (best is None or share[i] > best[2]):
            ratio = float(part.loc[i, "revenue_b"] / expected[i]) if expected[i] > 0 else float("inf")
            best = (dim, str(part.loc[i, "value"]), float(share[i]), ratio)
    return best


def _per_day(count: float, days: int) -> float:
    return float(count) / days if days else 0.0


def _category_signals(con, category: str, base: tuple, start, stop) -> dict:
    """Views and carts per day of ``category`` before and in the period (None where the events name none)."""
    frame = query_df(con, "queries/feed/attribution/category_events.sql",
                     {"base_start": base[0], "start": start, "stop": stop})
    base_days, days = (base[1] - base[0]).days, (stop - start).days
    out = {}
    for kind in ("view", "cart"):
        row = frame[(frame["category"] == category) & (frame["event_type"] == kind)]
        before = float(row["base_events"].sum()) if not row.empty else 0.0
        if before < (MIN_VIEWS if kind == "view" else 5):
            out[kind] = None
        else:
            out[kind] = _per_day(row["period_events"].sum(), days) / _per_day(before, base_days)
    return out


def _visits(con, base: tuple, start, stop) -> pd.DataFrame:
    return query_df(con, "queries/feed/attribution/visits.sql", {"base_start": base[0], "start": start, "stop": stop})


def _demand_evidence(con, dimension: str, value: str, base: tuple, start, stop, direction: int) -> tuple[str, str, str]:
    """(reason, action, owner) for a demand move: visits (of the channel, if the subject is one) and conversion."""
    base_days, days = (base[1] - base[0]).days, (stop - start).days
    visits = _visits(con, base, start, stop)
    rise = direction > 0
    if visits.empty or not visits["base_visits"].sum():
        reason = "No web visits are loaded for these dates, so traffic cannot be told from conversion."
        action = ("Find out what drove it and do more of it." if rise else
                  "Check what changed for buyers: prices, campaigns, competitors; load web analytics to see "
                  "whether fewer people visited or fewer of them bought.")
        return reason, action, "owner" if rise else "manager"
    total = visits[visits["channel"].isna()].iloc[0]
    visit_ratio = _per_day(total["period_visits"], days) / _per_day(total["base_visits"], base_days)
    orders = query_rows(con, "queries/feed/attribution/orders.sql", {"base_start": base[0], "start": start, "stop": stop})[0]
    conv_before = orders[0] / total["base_visits"] if total["base_visits"] else 0.0
    conv_now = orders[1] / total["period_visits"] if total["period_visits"] else 0.0
    parts = []
    if dimension == "channel":
        row = visits[visits["channel"] == value]
        if not row.empty and row.iloc[0]["base_visits"]:
            ch_ratio = _per_day(row.iloc[0]["period_visits"], days) / _per_day(row.iloc[0]["base_visits"], base_days)
            parts.append(f"visits from {value} {'rose' if ch_ratio >= 1 else 'fell'} {abs(ch_ratio - 1):.0%} (per day)")
            visit_ratio = ch_ratio
    parts.append(f"visits {'rose' if visit_ratio >= 1 else 'fell'} {abs(visit_ratio - 1):.0%} (per day)"
                 if dimension != "channel" else "")
    parts.append(f"of every 100 visits, {conv_now * 100:.1f} ended in an order (before: {conv_before * 100:.1f})")
    reason = "Demand: " + "; ".join(p for p in parts if p) + "."
    traffic_moved = abs(visit_ratio - 1) >= abs(conv_now / conv_before - 1 if conv_before else 0)
    if rise:
        return reason, "Find out what worked (a campaign, a mention, a product) and do more of it.", "owner"
    if traffic_moved:
        where = f"from {value}" if dimension == "channel" else "to the shop"
        return (reason, f"Bring the traffic {where} back: check campaigns, ads, tracking and search rankings "
                        "for what stopped.", "marketer")
    return reason, "Fewer visitors bought: check prices, stock and each checkout step for what changed.", "manager"


def attribute(ws, start: dt.date, stop: dt.date, direction: int) -> Attribution:
    """Who and why for a revenue (or orders) anomaly over ``[start, stop)`` moving in ``direction``."""
    con = connection(ws)
    base = base_range(start, stop)
    scale = (stop - start).days / (base[1] - base[0]).days
    movers = largest_movers(con, base, (start, stop), top=100_000)
    found = explaining_value(movers, scale, direction)
    last_day = start - dt.timedelta(days=1)      # the period before: the previous month for a month, else as long
    previous = ((last_day.replace(day=1) if start.day == 1 and (stop - start).days >= 28 else start - (stop - start)),
                last_day)
    bridge = revenue_bridge(con, previous, (start, stop - dt.timedelta(days=1)), period="custom")
    details = {"bridge": explain_bridge(bridge)[0], "base_start": str(base[0]), "base_stop": str(base[1])}
    dimension, value, share, ratio = found if found else ("shop", "all", 0.0, None)
    details.update(explains_share=round(share, 3), revenue_ratio=None if ratio is None else round(ratio, 3))
    if dimension == "category" and direction < 0 and ratio is not None and ratio <= SUPPLY_REVENUE_RATIO:
        signals = _category_signals(con, value, base, start, stop)
        details.update(views_ratio=signals["view"], carts_ratio=signals["cart"])
        views_go_on = signals["view"] is None or signals["view"] >= VIEWS_CONTINUE_RATIO
        carts_stop = signals["cart"] is None or signals["cart"] <= CARTS_STOP_RATIO
        if views_go_on and carts_stop:
            seen = ("its product pages were still viewed "
                    f"({signals['view']:.0%} of their usual daily views)" if signals["view"] is not None
                    else "the rest of the shop sold as usual (no web views loaded to confirm interest)")
            carts = (f", but add-to-carts fell to {signals['cart']:.0%} of usual" if signals["cart"] is not None
                     else "")
            reason = (f"Supply: {value} sold {ratio:.0%} of its usual pace while {seen}{carts}. "
                      "People wanted it and could not buy it.")
            action = (f"Restock {value} or check its listing (availability, price, product pages): it stopped "
                      "selling while shoppers kept looking.")
            return Attribution(dimension, value, share, "supply", reason, action, "operations", details)
    reason, action, owner = _demand_evidence(con, dimension, value, base, start, stop, direction)
    return Attribution(dimension, value, share, "demand", reason, action, owner, details)
