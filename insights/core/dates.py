"""The shop's own calendar: where its history ends, and dates given in any of the usual forms.

Two facts, two names (they differ on purpose):

* :func:`data_end` — the day after the last order of any kind (guests included), at midnight: the "today" of the
  shop's history for churn windows and next-order expectations.
* :func:`default_as_of` — the day after the last order *of an identified customer*: the default as-of date of
  customer scores (RFM, lifecycle), which only see identified customers.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.db import first_row, sql_text
from insights.core.workspace import connection


def data_end(ws_or_con) -> pd.Timestamp | None:
    """The day after the last order in the data (midnight); None without orders."""
    row = first_row(connection(ws_or_con).execute(sql_text("queries/core/last_order.sql")))
    last = row[0] if row else None
    return None if last is None else pd.Timestamp(last).normalize() + pd.Timedelta(days=1)


def default_as_of(ws_or_con) -> dt.date | None:
    """The day after the last order of an identified customer, or None without such orders."""
    row = first_row(connection(ws_or_con).execute(sql_text("queries/core/last_order.sql")))
    if not row or row[1] is None:
        return None
    return row[1] + dt.timedelta(days=1)


def as_timestamp(as_of) -> dt.datetime:
    """Midnight at the start of the day ``as_of`` (a date, datetime, Timestamp or ISO text)."""
    return dt.datetime.combine(pd.Timestamp(as_of).date(), dt.time())


def as_date(value) -> dt.date:
    """The calendar day of a date, datetime, Timestamp or ISO text."""
    return pd.Timestamp(value).date()


def in_first_month(first_days: pd.Series, start=None) -> pd.Series:
    """True where a customer's first order (``first_days``) falls in the calendar month of ``start`` — the data's
    earliest first order, by default the earliest of ``first_days``. Such a customer may have bought before the
    data begins: an old customer looks like a new one, so first-time-buyer figures (second purchase, gateway
    products) leave them out and say how many."""
    days = pd.to_datetime(first_days)
    if days.empty or (start is None and days.isna().all()):
        return pd.Series(False, index=first_days.index)
    month = pd.Timestamp(days.min() if start is None else start).to_period("M")
    return (days.dt.to_period("M") == month).fillna(False).astype(bool)


def before_data_sentence(customers: int) -> str:
    """The one sentence every first-time-buyer figure says about the customers :func:`in_first_month` leaves out
    ("" when none is)."""
    if not customers:
        return ""
    plural = "s" if customers != 1 else ""
    return (f"Left out: {customers:,} customer{plural} whose first order falls in the first month of your data — "
            f"they may have bought before it begins, so they are not known to be first-time buyers.")
