"""Demand by hour of day x weekday: when the shop's orders come in."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.dates import as_timestamp
from insights.core.db import query_df, query_rows
from insights.core.workspace import connection
from insights.performance.kpis.periods import checked_date

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def demand_heatmap(ws, start=None, end=None) -> pd.DataFrame:
    """Orders and net revenue by weekday (1 = Monday) × hour of day, real orders only.

    Out: weekday, weekday_name, hour, orders, net_revenue (long format; :func:`pivot` for a grid). When the
    order times are dates only (every order at midnight) the result is empty and ``df.attrs["reason"]`` says
    why; ``df.attrs["reason"]`` is None otherwise.
    """
    con = connection(ws)
    with_time, orders = query_rows(con, "queries/performance/kpis/time_of_day_present.sql")[0]
    columns = ["weekday", "weekday_name", "hour", "orders", "net_revenue"]
    if not orders:
        out = pd.DataFrame(columns=columns)
        out.attrs["reason"] = "There are no orders yet."
        return out
    if not with_time:
        out = pd.DataFrame(columns=columns)
        out.attrs["reason"] = ("The order dates carry no time of day (every order is at 00:00), so demand by "
                               "hour cannot be shown.")
        return out
    params = {"start": as_timestamp(checked_date(start, "start")) if start is not None else None,
              "end": as_timestamp(checked_date(end, "end") + dt.timedelta(days=1)) if end is not None else None}
    df = query_df(con, "queries/performance/kpis/demand.sql", params)
    df["net_revenue"] = df["net_revenue"].astype(float)
    df["weekday_name"] = df["weekday"].map(lambda d: WEEKDAYS[int(d) - 1])
    out = df[columns].reset_index(drop=True)
    out.attrs["reason"] = None
    return out
