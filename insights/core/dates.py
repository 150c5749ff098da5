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
