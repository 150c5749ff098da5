"""The revenue bridge: the change in net revenue between two periods, split exactly into customers, orders per
customer and order value of new and returning customers (Shapley), guests and refunds; and sentences a manager
can act on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from math import factorial
from typing import Any

import pandas as pd

from insights.core.dates import as_timestamp
from insights.core.db import query_rows
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.performance.kpis.movers import largest_movers
from insights.performance.kpis.periods import checked_date, period_end, period_label, period_start, workspace_currency
from insights.performance.kpis.table import KPI_DEFINITIONS

MONEY_STEP = Decimal("0.0001")  # the precision of DECIMAL(18,4)
BRIDGE_METHOD = (
    "Revenue of **new customers** (first order in the period) and of **returning customers** (first order "
    "before it) is each written as *customers × orders per customer × average order value*. The change of "
    "each product is split between its three factors by the **Shapley method**: each factor's effect is its "
    "contribution averaged over every order in which the factors could be switched from the first period's "
    "value to the second's, so the result does not depend on an arbitrary order. Two more lines close the "
    "bridge: **guests** (orders with no customer id) and **refunds** of customers who placed no order in the "
    "period. The effects add up exactly to the change in net revenue.")
BRIDGE_GROUPS = ("new", "returning")
BRIDGE_FACTORS = ("customers", "orders_per_customer", "aov")


def _range_of(value, period: str) -> tuple[dt.date, dt.date, str]:
    """(start, end exclusive, label) for a period start/day or an inclusive (start, end) pair."""
    if isinstance(value, (tuple, list)):
        start, end = (checked_date(v, "range") for v in value)
        if end < start:
            raise ValueError(f"the end date {end} is before the start date {start}")
        stop = end + dt.timedelta(days=1)
        return start, stop, period_label(start, "custom", stop)
    start = period_start(value, period)
    return start, period_end(start, period), period_label(start, period)


def shapley(before: tuple[Fraction, ...], after: tuple[Fraction, ...]) -> list[Fraction]:
    """Shapley decomposition of the change of a product of factors: exact, symmetric, sums to the change.

    Each factor's effect is its marginal contribution (switching it from the old to the new value),
    averaged over every order in which the factors can be switched.
    """
    n = len(before)

    def product(switched: frozenset) -> Fraction:
        out = Fraction(1)
        for i in range(n):
            out *= after[i] if i in switched else before[i]
        return out

    effects = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        total = Fraction(0)
        for size in range(n):
            weight = Fraction(factorial(size) * factorial(n - size - 1), factorial(n))
            for subset in combinations(others, size):
                s = frozenset(subset)
                total += weight * (product(s | {i}) - product(s))
        effects.append(total)
    return effects


def _group_figures(con, start: dt.date, stop: dt.date) -> dict[str, dict[str, Decimal]]:
    rows = query_rows(con, "queries/performance/kpis/bridge_groups.sql",
                      {"start": as_timestamp(start), "end": as_timestamp(stop)})
    out = {g: dict(customers=0, orders=0, active_revenue=Decimal(0), orphan_revenue=Decimal(0))
           for g in BRIDGE_GROUPS + ("other",)}
    for group, customers, orders, active, orphan in rows:
        out[group] = dict(customers=int(customers), orders=int(orders),
                          active_revenue=Decimal(str(active)), orphan_revenue=Decimal(str(orphan)))
    return out


def revenue_bridge(ws, period_a, period_b, period: str = "month", top: int = 5) -> dict[str, Any]:
    """Decompose the change in net revenue from period A to period B exactly.

    ``period_a``/``period_b``: a day inside a week/month/quarter (per ``period``), or an inclusive
    ``(start, end)`` date pair. Method: revenue of new customers (first order in the period) and of returning
    customers (first order before it) is each written as customers × orders per customer × AOV; the change
    of each product is split between the three factors by the Shapley method (each factor's effect averaged
    over every order of switching factors from A to B), which is exact and does not depend on an order.
    Three more lines close the bridge: guests and ids with no real order yet ("guests"), and refunds of new
    or returning customers who placed no order in the period ("refunds"). A group absent in one period puts
    its whole change on its customers effect. Effects are rounded to 0.0001 and the rounding remainder (at
    most a few ten-thousandths) goes to the largest effect, so the parts add up to the change exactly.

    Out: dict with period labels and ranges, revenue_a, revenue_b, change (Decimal), change_pct, currency,
    ``groups`` (DataFrame: group, customers/orders/aov in A and B), ``effects`` (DataFrame: group, factor,
    amount as Decimal) and ``largest_movers`` (DataFrame: dimension, value, revenue_a, revenue_b, change).
    """
    con = connection(ws)
    a_start, a_stop, a_label = _range_of(period_a, period)
    b_start, b_stop, b_label = _range_of(period_b, period)
    fig_a = _group_figures(con, a_start, a_stop)
    fig_b = _group_figures(con, b_start, b_stop)

    def revenue(figs):
        return sum((f["active_revenue"] + f["orphan_revenue"] for f in figs.values()), Decimal(0))

    revenue_a, revenue_b = revenue(fig_a), revenue(fig_b)
    change = revenue_b - revenue_a

    exact: list[tuple[str, str, Fraction]] = []
    group_rows = []
    for group in BRIDGE_GROUPS:
        fa, fb = fig_a[group], fig_b[group]
        factors_a = _factors(fa)
        factors_b = _factors(fb)
        delta = Fraction(fb["active_revenue"]) - Fraction(fa["active_revenue"])
        if fa["customers"] == 0 or fb["customers"] == 0:
            parts = [delta, Fraction(0), Fraction(0)]
        else:
            parts = shapley(factors_a, factors_b)
        exact += [(group, factor, part) for factor, part in zip(BRIDGE_FACTORS, parts)]
        group_rows.append(dict(
            group=group, customers_a=fa["customers"], customers_b=fb["customers"],
            orders_a=fa["orders"], orders_b=fb["orders"],
            orders_per_customer_a=float(factors_a[1]) if fa["customers"] else None,
            orders_per_customer_b=float(factors_b[1]) if fb["customers"] else None,
            aov_a=float(factors_a[2]) if fa["orders"] else None, aov_b=float(factors_b[2]) if fb["orders"] else None,
            revenue_a=fa["active_revenue"] + fa["orphan_revenue"],
            revenue_b=fb["active_revenue"] + fb["orphan_revenue"]))
    exact.append(("guests", "revenue", Fraction(fig_b["other"]["active_revenue"] + fig_b["other"]["orphan_revenue"])
                  - Fraction(fig_a["other"]["active_revenue"] + fig_a["other"]["orphan_revenue"])))
    exact.append(("refunds", "revenue",
                  Fraction(sum((fig_b[g]["orphan_revenue"] for g in BRIDGE_GROUPS), Decimal(0)))
                  - Fraction(sum((fig_a[g]["orphan_revenue"] for g in BRIDGE_GROUPS), Decimal(0)))))
    amounts = _round_exactly([p for _, _, p in exact], change)
    effects = pd.DataFrame([dict(group=g, factor=f, amount=a) for (g, f, _), a in zip(exact, amounts)])

    return dict(
        period=period, period_a=a_label, period_b=b_label, range_a=(a_start, a_stop), range_b=(b_start, b_stop),
        revenue_a=revenue_a, revenue_b=revenue_b, change=change,
        change_pct=float(change / revenue_a) if revenue_a else None,
        currency=workspace_currency(con), groups=pd.DataFrame(group_rows), effects=effects,
        largest_movers=largest_movers(con, (a_start, a_stop), (b_start, b_stop), top=top),
    )


def _factors(fig: dict) -> tuple[Fraction, Fraction, Fraction]:
    customers = Fraction(fig["customers"])
    orders = Fraction(fig["orders"])
    revenue = Fraction(fig["active_revenue"])
    per_customer = orders / customers if customers else Fraction(0)
    aov = revenue / orders if orders else Fraction(0)
    return customers, per_customer, aov


def _round_exactly(parts: list[Fraction], total: Decimal) -> list[Decimal]:
    """Round each part to the money step; give the remainder to the largest part so they sum to ``total``."""
    rounded = [(Decimal(p.numerator) / Decimal(p.denominator)).quantize(MONEY_STEP) if p else Decimal(0)
               for p in parts]
    remainder = total - sum(rounded, Decimal(0))
    if remainder and rounded:
        largest = max(range(len(parts)), key=lambda i: abs(parts[i]))
        rounded[largest] += remainder
    return rounded


_PHRASES = {
    ("customers", 1): "more {who} customers ordered ({a:,} → {b:,})",
    ("customers", -1): "fewer {who} customers ordered ({a:,} → {b:,})",
    ("orders_per_customer", 1): "{who} customers ordered more often ({a:.2f} → {b:.2f} orders each)",
    ("orders_per_customer", -1): "{who} customers ordered less often ({a:.2f} → {b:.2f} orders each)",
    ("aov", 1): "{who} customers spent more per order (AOV {a} → {b})",
    ("aov", -1): "{who} customers spent less per order (AOV {a} → {b})",
}
_ACTIONS = {
    ("returning", "customers"): "Win back lapsed customers: a reactivation email to those who bought last "
                                "period but not this one.",
    ("returning", "orders_per_customer"): "Prompt the next order: reorder reminders or a loyalty offer for "
                                          "returning customers.",
    ("returning", "aov"): "Lift basket size for regulars: bundles, free-shipping thresholds, cross-sell.",
    ("new", "customers"): "Check acquisition: which channels brought fewer first orders (see the movers).",
    ("new", "orders_per_customer"): "Improve the first weeks: a welcome series to earn a second order.",
    ("new", "aov"): "Review first-order discounts and the starter range: new customers spend less per order.",
}


def explain_bridge(bridge: dict[str, Any], currency: str | None = None, threshold: float = 0.02) -> list[str]:
    """Sentences a manager can act on, from :func:`revenue_bridge`.

    The first sentence gives the change and its two largest drivers; a group whose revenue moved by less
    than ``threshold`` × revenue of period A is said to have held. Then the largest movers, and one
    suggested action for the largest negative driver (or a note of what drove growth).
    """
    currency = currency or bridge.get("currency")
    money = lambda v: format_money(v, currency)  # noqa: E731 — a local shorthand
    signed = lambda v: ("+" if v > 0 else "") + format_money(v, currency)  # noqa: E731
    change, base = bridge["change"], bridge["revenue_a"]
    effects = bridge["effects"]
    groups = bridge["groups"].set_index("group")
    sentences = []

    verb = "rose" if change > 0 else "fell" if change < 0 else "was unchanged"
    pct = f" {abs(bridge['change_pct']):.0%}" if bridge.get("change_pct") is not None and change else ""
    head = f"Revenue {verb}{pct} vs {bridge['period_a']} ({money(base)} → {money(bridge['revenue_b'])})"

    drivers = effects[effects["factor"].isin(BRIDGE_FACTORS)].copy()
    drivers["size"] = drivers["amount"].map(lambda v: abs(float(v)))
    drivers = drivers[drivers["size"] > 0].sort_values("size", ascending=False)
    reasons = []
    for _, row in drivers.head(2).iterrows():
        g = groups.loc[row["group"]]
        sign = 1 if row["amount"] > 0 else -1
        a, b = _factor_values(g, row["factor"], money)
        reasons.append(_PHRASES[(row["factor"], sign)].format(who=row["group"], a=a, b=b)
                       + f" ({signed(row['amount'])})")
    held = []
    for group in BRIDGE_GROUPS:
        g_change = effects.loc[effects["group"] == group, "amount"].sum()
        if base and abs(float(g_change)) < threshold * abs(float(base)) and group not in " ".join(reasons):
            held.append(f"{group}-customer revenue held ({signed(g_change)})")
    if reasons or held:
        head += ": " + "; ".join(reasons + held)
    sentences.append(head + ".")

    other = effects[effects["group"].isin(["guests", "refunds"])]
    for _, row in other.iterrows():
        if base and abs(float(row["amount"])) >= threshold * abs(float(base)):
            what = "Guest orders" if row["group"] == "guests" else "Refunds from customers with no order this period"
            sentences.append(f"{what} changed revenue by {signed(row['amount'])}.")

    movers = bridge["largest_movers"]
    if not movers.empty:
        top = movers.reindex(movers["change"].abs().sort_values(ascending=False).index).head(3)
        parts = [f"{r.dimension} {r.value} ({signed(r.change)})" for r in top.itertuples()]
        sentences.append("Largest movers: " + ", ".join(parts) + ".")

    negatives = drivers[drivers["amount"] < 0]
    if not negatives.empty:
        worst = negatives.iloc[0]
        sentences.append("Next step: " + _ACTIONS[(worst["group"], worst["factor"])])
    elif not drivers.empty:
        best = drivers.iloc[0]
        sentences.append(f"Growth came mostly from {best['group']} customers' "
                         f"{KPI_DEFINITIONS.get(best['factor'], (best['factor'].replace('_', ' '),))[0].lower()}"
                         f" ({signed(best['amount'])}): keep doing what drove it.")
    return sentences


def _factor_values(g: pd.Series, factor: str, money) -> tuple:
    if factor == "customers":
        return int(g["customers_a"]), int(g["customers_b"])
    if factor == "orders_per_customer":
        return (g["orders_per_customer_a"] or 0.0), (g["orders_per_customer_b"] or 0.0)
    return (money(g["aov_a"]) if g["aov_a"] is not None and not pd.isna(g["aov_a"]) else "—",
            money(g["aov_b"]) if g["aov_b"] is not None and not pd.isna(g["aov_b"]) else "—")
