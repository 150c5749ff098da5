"""Detector 8: valuable customers who are overdue for their next order, with the list to contact.

A customer is *overdue* when the days since their last order exceed their usual gap by a quarter
(:data:`OVERDUE_RATIO`, the expected next order from :mod:`insights.customers.next_order`), and not yet
*lapsed* (at most :data:`LAPSED_RATIO` × the usual gap: beyond that a reminder is a win-back campaign of
another kind). *Valuable*: repeat customers (two orders or more) whose net revenue is in the top quarter of
the repeat customers, or — when the CLV model has stored current scores — whose predicted value is.

Money at stake: the order value of each overdue customer, times the share of such customers a reminder
typically brings back (10–30 %, :data:`WIN_BACK_RATES`; 20 % as the central figure).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core import scores
from insights.core.consent import ConsentFiltered, consent_filter
from insights.core.db import query_df
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.customers.next_order import next_orders_for_workspace
from insights.feed.anomalies import period_key
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency

OVERDUE_RATIO = 1.25
LAPSED_RATIO = 3.0
VALUE_QUANTILE = 0.75
WIN_BACK_RATES = (0.10, 0.20, 0.30)
MIN_CUSTOMERS = 5
EXPORT_COLUMNS = ["customer_id", "name", "email", "phone", "consent_email", "orders", "net_revenue", "aov",
                  "last_order_date", "usual_gap_days", "next_order_expected_at", "overdue_days", "value"]


def overdue_customers(ws, as_of: dt.date) -> pd.DataFrame:
    """The overdue valuable customers as of ``as_of``, most valuable first (columns :data:`EXPORT_COLUMNS`)."""
    repeat = query_df(connection(ws), "queries/feed/overdue/repeat_customers.sql")
    if repeat.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    clv = scores.current(ws, "clv") if hasattr(ws, "content_hash") else None
    value = repeat.set_index("customer_id")["net_revenue"]
    if clv is not None and "customer_id" in clv and "clv" in clv:
        predicted = clv.set_index("customer_id")["clv"].astype(float)
        value = predicted.reindex(value.index).fillna(value)
    repeat["value"] = value.to_numpy()
    valuable = repeat[repeat["value"] >= repeat["value"].quantile(VALUE_QUANTILE)]
    due = next_orders_for_workspace(ws, pd.Timestamp(as_of))
    due = due[(due["recency_ratio"] >= OVERDUE_RATIO) & (due["recency_ratio"] <= LAPSED_RATIO)]
    out = valuable.merge(due, on="customer_id")
    return out[EXPORT_COLUMNS].sort_values("value", ascending=False).reset_index(drop=True)


def overdue_contacts(ws, as_of: dt.date) -> ConsentFiltered:
    """The overdue list as it may be downloaded to contact them: :func:`overdue_customers` through the one consent
    rule (:func:`insights.core.consent.consent_filter`: consent yes, an address, not on the suppression list)."""
    return consent_filter(ws, overdue_customers(ws, as_of))


def overdue_valuable_customers(ws, as_of: dt.date) -> list[Insight]:
    """At most one insight: the overdue valuable customers of the week before ``as_of``."""
    found = overdue_customers(ws, as_of)
    if len(found) < MIN_CUSTOMERS:
        return []
    currency = workspace_currency(connection(ws))
    low, mid, high = (float(found["aov"].sum()) * rate for rate in WIN_BACK_RATES)
    week_start = as_of - dt.timedelta(days=1)
    week_start -= dt.timedelta(days=week_start.weekday())
    title = (f"{len(found):,} of your most valuable customers are late for their next order "
             f"(they have spent {format_money(found['net_revenue'].sum(), currency)} with you)")
    why = (f"Each of them should have ordered again by now, by their own buying rhythm: the typical one usually "
           f"orders every {found['usual_gap_days'].median():.0f} days and is {found['overdue_days'].median():.0f} "
           f"days past that date — late, but not yet gone (less than {LAPSED_RATIO:.0f} times their usual gap). "
           f"A reminder typically brings back 10–30% of such customers, each worth about one order "
           f"({format_money(found['aov'].median(), currency)} for the typical one).")
    action = {"text": "Send them a personal reminder or a small thank-you offer now; download the list.",
              "export": "overdue"}
    return [Insight(kind="overdue", title=title, why=why, action=action, owner="marketer",
                    period=period_key("week", week_start), metric="customers",
                    subject={"dimension": "segment", "value": "overdue valuable customers"},
                    impact=round(mid, 2), impact_low=round(low, 2), impact_high=round(high, 2),
                    confidence="medium" if len(found) >= 20 else "low", evidence_url="/churn",
                    details={"customers": int(len(found)), "overdue_ratio": OVERDUE_RATIO,
                             "lapsed_ratio": LAPSED_RATIO, "value_quantile": VALUE_QUANTILE})]
