"""Who should order next: per customer the expected next-order date (their own buying rhythm,
:mod:`insights.customers.next_order`), who is overdue, ranked by predicted value (CLV), and the list to export.

A customer is **overdue** when the expected date has passed and they are not yet **lapsed** (days since their last
order at most :data:`insights.customers.next_order.LAPSED_RATIO` × their usual gap: beyond that a reminder is a
win-back of another kind); **due soon** within :data:`DUE_SOON_DAYS` days; otherwise **not yet due**. ``p_alive``
(the CLV model's chance the customer is still a customer) sits beside it: an overdue customer the model thinks
gone ranks low by value anyway. The export keeps only customers who may be e-mailed (:func:`insights.core.consent.
consent_filter`) and is written by the one safe writer (:mod:`insights.core.spreadsheet`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from insights.core.consent import consent_filter
from insights.core.db import query_df
from insights.core.spreadsheet import write_table
from insights.core.workspace import connection
from insights.customers.next_order import LAPSED_RATIO, next_orders_for_workspace

DUE_SOON_DAYS = 14
STATUSES = ("overdue", "due soon", "not yet due", "lapsed")
COLUMNS = ["customer_id", "name", "email", "consent_email", "status", "last_order_date", "usual_gap_days",
           "next_order_expected_at", "overdue_days", "p_alive", "clv", "net_revenue", "value"]


def next_orders(ws, scores: pd.DataFrame | None, as_of=None) -> pd.DataFrame:
    """Every customer with an order: expected next order, status (:data:`STATUSES`), contact, p_alive, CLV;
    ranked by ``value`` (CLV when ``scores`` are given, else net revenue to date), highest first.

    ``as_of`` defaults to the day after the last order. Columns :data:`COLUMNS`."""
    due = next_orders_for_workspace(ws, as_of)
    if due.empty:
        return pd.DataFrame(columns=COLUMNS)
    contacts = query_df(connection(ws), "queries/predictions/clv/contacts.sql")
    contacts["customer_id"] = contacts["customer_id"].astype(str)
    due["customer_id"] = due["customer_id"].astype(str)
    table = due.merge(contacts, on="customer_id", how="left")
    if scores is not None and len(scores):
        model = scores[["customer_id", "p_alive", "clv"]].astype({"customer_id": str})
        table = table.merge(model, on="customer_id", how="left")
        table["value"] = table["clv"].fillna(0.0)
    else:
        table["p_alive"], table["clv"] = np.nan, np.nan
        table["value"] = table["net_revenue"].fillna(0.0)
    days_to_go = -(table["recency_ratio"] - 1.0) * table["usual_gap_days"]
    table["status"] = np.select(
        [table["recency_ratio"] > LAPSED_RATIO, table["overdue_days"] > 0, days_to_go <= DUE_SOON_DAYS],
        ["lapsed", "overdue", "due soon"], default="not yet due")
    table = table.sort_values(["value", "customer_id"], ascending=[False, True])
    return table[COLUMNS].reset_index(drop=True)


def overdue(table: pd.DataFrame) -> pd.DataFrame:
    """The overdue customers of :func:`next_orders`, most valuable first."""
    return table[table["status"] == "overdue"].reset_index(drop=True)


def export_next_orders(ws, table: pd.DataFrame, fmt: str = "csv",
                       include_without_consent: bool = False) -> tuple[bytes, int, int, int, int]:
    """(file bytes, customers written, left out for consent, left out without an e-mail address, left out on the
    suppression list) of ``table`` (e.g. :func:`overdue`), through the one consent rule of ``ws`` and the safe
    writer."""
    filtered = consent_filter(ws, table, include_without_consent)
    out = filtered.kept.copy()
    for column in ("last_order_date", "next_order_expected_at"):
        out[column] = pd.to_datetime(out[column]).dt.date
    return (write_table(out, fmt, sheet="Next orders"), len(out), filtered.left_for_consent,
            filtered.left_without_email, filtered.left_suppressed)
