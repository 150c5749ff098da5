"""Detector: a clear cross-sell gap — two products bought together far more often than chance, and many
customers who bought one and never the other ("1,240 customers buy the beans but never the filters"); and the
recommendation campaign, which the export holds a control back from through the outcome loop.

A gap is a direction a → b of a pair the products room calls associated (:func:`insights.products.baskets.
bought_together`: Fisher + Benjamini–Hochberg): the customers who bought a (before ``as_of``) and never b. It is
an insight when at least :data:`MIN_GAP` customers are in it; at most :data:`MAX_INSIGHTS`, one per product a,
the most money first. Money at stake: the customers × the extra share of a's orders that hold b beyond b's share
of all orders (confidence − support: what the association adds) × b's average line value; its range from the
Wilson 95% interval of the confidence. Confidence: high when the pair's BH-adjusted p-value is ≤ 0.001, medium
≤ 0.01, else low.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.consent import ConsentFiltered, consent_filter
from insights.core.db import query_df
from insights.core.intervals import wilson
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import period_key
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency
from insights.products.baskets import bought_together
from insights.products.lines import kept_lines, product_values

MIN_GAP = 100
MAX_INSIGHTS = 2
MIN_BASKETS = 10
EVIDENCE_URL = "/products"
RECOMMENDED = {"dimension": "recommendations", "value": "next products"}


def _confidence(q_value: float) -> str:
    return "high" if q_value <= 0.001 else "medium" if q_value <= 0.01 else "low"


def _period(as_of: dt.date) -> str:
    return period_key("month", (as_of - dt.timedelta(days=1)).replace(day=1))


def gap_customers(lines: pd.DataFrame, a: str, b: str) -> pd.Series:
    """The resolved ids (sorted) of customers whose kept lines hold product ``a`` and never product ``b``."""
    known = lines.dropna(subset=["customer_id"])
    bought_a = set(known.loc[known["product_id"].astype(str) == a, "customer_id"].astype(str))
    bought_b = set(known.loc[known["product_id"].astype(str) == b, "customer_id"].astype(str))
    return pd.Series(sorted(bought_a - bought_b), name="customer_id", dtype=object)


def directions(pairs: pd.DataFrame) -> pd.DataFrame:
    """Both directions of each associated pair: a, a_name, b, b_name, confidence (orders with a holding b),
    support_b (orders holding b), orders_a, together, q_value."""
    forward = pairs.assign(confidence=pairs["confidence_ab"], support_b=pairs["support"] / pairs["confidence_ba"],
                           orders_a=pairs["baskets"] / pairs["confidence_ab"])
    backward = pairs.rename(columns={"a": "b", "b": "a", "a_name": "b_name", "b_name": "a_name"}).assign(
        confidence=pairs["confidence_ba"], support_b=pairs["support"] / pairs["confidence_ab"],
        orders_a=pairs["baskets"] / pairs["confidence_ba"])
    both = pd.concat([forward, backward], ignore_index=True)
    both["orders_a"] = both["orders_a"].round().astype(int)
    return both.rename(columns={"baskets": "together"})[
        ["a", "a_name", "b", "b_name", "confidence", "support_b", "orders_a", "together", "q_value"]]


def cross_sell_gaps(ws, as_of: dt.date, min_gap: int = MIN_GAP) -> list[Insight]:
    """The clearest cross-sell gaps as of ``as_of`` (orders before it), at most :data:`MAX_INSIGHTS`, each with
    at least ``min_gap`` customers."""
    lines = kept_lines(ws, as_of)
    if lines.empty:
        return []
    pairs = bought_together(lines, "product", MIN_BASKETS).associated
    if pairs.empty:
        return []
    values = product_values(ws, as_of)
    candidates = []
    for row in directions(pairs).itertuples(index=False):
        value = values.get(str(row.b))
        extra = row.confidence - row.support_b
        if value is None or value <= 0 or extra <= 0:
            continue
        gap = len(gap_customers(lines, str(row.a), str(row.b)))
        if gap >= min_gap:
            candidates.append((gap * extra * value, gap, value, row))
    currency = workspace_currency(connection(ws))
    out, used = [], set()
    for impact, gap, value, row in sorted(candidates, key=lambda c: (-c[0], str(c[3].a), str(c[3].b))):
        if row.a in used or len(out) == MAX_INSIGHTS:
            continue
        used.add(row.a)
        out.append(_insight(row, gap, value, impact, currency, _period(as_of)))
    return out


def _insight(row, gap: int, value: float, impact: float, currency, period: str) -> Insight:
    a, b = row.a_name or row.a, row.b_name or row.b
    low, high = wilson(int(row.together), int(row.orders_a))
    near, far = max(low - row.support_b, 0.0), max(high - row.support_b, 0.0)
    why = (f"{row.confidence:.0%} of orders with {a} also hold {b}, against {row.support_b:.0%} of all orders — far "
           f"more than chance would give, after checking every pair. Yet {gap:,} customers who bought {a} have "
           f"never bought {b}. If they took it as often as {a}'s buyers do, that is about "
           f"{format_money(impact, currency)} at {b}'s average line of {format_money(value, currency)}.")
    return Insight(
        kind="cross_sell", title=f"{gap:,} customers buy {a} but never {b}", why=why,
        action={"text": f"E-mail the customers who bought {a} but never {b} with an offer for {b}; download the "
                        "list on the Products page (hold back a control to measure it).", "export": "cross_sell"},
        owner="marketer", period=period, metric="cross_sell", subject={"dimension": "product_pair",
                                                                       "value": f"{row.a} → {row.b}"},
        impact=round(impact, 2), impact_low=round(gap * near * value, 2), impact_high=round(gap * far * value, 2),
        confidence=_confidence(float(row.q_value)), evidence_url=EVIDENCE_URL,
        details={"a": str(row.a), "b": str(row.b), "customers": gap, "confidence": float(row.confidence),
                 "support_b": float(row.support_b), "orders_with_a": int(row.orders_a),
                 "orders_with_both": int(row.together), "q_value_bh": float(row.q_value), "value_b": value})


def gap_contacts(ws, insight: Insight, as_of=None) -> ConsentFiltered:
    """The customers of a cross-sell insight's gap who may be e-mailed (:func:`consent_filter`): customer_id,
    email, name, ``Bought`` and ``Suggested`` (product names)."""
    lines = kept_lines(ws, as_of)
    a, b = insight.details["a"], insight.details["b"]
    ids = set(gap_customers(lines, a, b))
    contacts = query_df(connection(ws), "queries/products/customers/contacts.sql")
    contacts = contacts[contacts["customer_id"].astype(str).isin(ids)].sort_values("customer_id")
    names = lines.drop_duplicates("product_id").set_index(lines.drop_duplicates("product_id")["product_id"]
                                                          .astype(str))["product_name"]
    contacts = contacts.assign(Bought=names.get(a, a), Suggested=names.get(b, b))
    return consent_filter(ws, contacts.reset_index(drop=True))


def recommendation_insight(as_of: dt.date, customers: int, method: str) -> Insight:
    """The recommendation campaign as an insight of its own (one per month), so that its export holds back a
    control and the feed later shows what the e-mail did (:mod:`insights.feed.outcome`)."""
    return Insight(
        kind="cross_sell", title=f"Send {customers:,} customers the products they are likely to buy next",
        why="Each customer's next products, chosen by the way of suggesting that would have been right most often "
            "on this shop's own past orders.",
        action={"text": "E-mail each customer their top 3 products (holding back a control to measure it).",
                "export": "recommendations"},
        owner="marketer", period=_period(as_of), metric="recommended_next", subject=RECOMMENDED,
        impact=0.0, impact_low=0.0, impact_high=0.0, confidence="low", evidence_url=EVIDENCE_URL,
        details={"method": method, "customers": customers})
