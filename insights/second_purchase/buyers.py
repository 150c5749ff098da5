"""First-time buyers: one row per identified customer with their first order, what it was like and the day of
their second — the table every part of the second-purchase view reads.

Every identified customer with a purchase day is a first-time buyer once; ``days_to_second`` is null for those
who have not bought again (yet). Nothing on or after ``as_of`` is read.

A trap of every export: customers whose first order in the data falls in the history's first month may have
bought before the data begins — they are not known to be first-time buyers (an old customer looks like a loyal new
one). :func:`before_the_data` marks them; the view leaves them out and counts them.
"""

from __future__ import annotations

import pandas as pd

from insights.core.dates import in_first_month
from insights.core.db import query_df
from insights.core.workspace import connection
from insights.products.lines import FAR_FUTURE

BUYER_COLUMNS = ["customer_id", "name", "email", "consent_email", "first_order_date", "first_order_value", "channel",
                 "country", "first_category", "late", "review_score", "second_order_date", "days_to_second"]


def first_time_buyers(ws_or_con, as_of=None) -> pd.DataFrame:
    """Columns :data:`BUYER_COLUMNS`: dates as Timestamps (midnight), ``late`` True/False/None (None: the data
    does not say), ``review_score`` the mean 1–5 score given to the first order (NaN: none)."""
    cutoff = FAR_FUTURE if as_of is None else pd.Timestamp(as_of).to_pydatetime()
    buyers = query_df(connection(ws_or_con), "queries/second_purchase/buyers/first_orders.sql",
                      params={"as_of": cutoff})
    for column in ("first_order_date", "second_order_date"):
        buyers[column] = pd.to_datetime(buyers[column])
    buyers["late"] = buyers["late"].astype(object).where(buyers["late"].notna(), None)
    return buyers[BUYER_COLUMNS]


def days_known(buyers: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    """Days between each buyer's first order and the end of the data."""
    return (end - buyers["first_order_date"]).dt.days


def eligible(buyers: pd.DataFrame, end: pd.Timestamp, days: int) -> pd.Series:
    """Buyers whose first order is at least ``days`` before the end: whether they came back within ``days`` is
    known (the rule of :func:`insights.products.gateways.first_orders`)."""
    return days_known(buyers, end) >= days


def came_back(buyers: pd.DataFrame, days: int) -> pd.Series:
    """Buyers whose second purchase day is at most ``days`` after their first."""
    return buyers["days_to_second"].le(days).fillna(False).astype(bool)


def before_the_data(buyers: pd.DataFrame) -> pd.Series:
    """Buyers whose first order falls in the calendar month of the earliest first order: they may have bought
    before the data begins."""
    return in_first_month(buyers["first_order_date"])
