"""The per-customer summary the CLV models are fitted on, and the facts of the purchase history, read by SQL.

A purchase is a purchase day (``intermediate/customer_order_days``): all orders of a customer on one calendar day
count as one purchase. Queries: ``insights/sql/queries/predictions/clv/``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.dates import as_date
from insights.core.db import query_df, query_rows
from insights.core.workspace import connection
from insights.models.readiness import Readiness, assess

TIME_UNIT_DAYS = 7.0


class ClvDataError(ValueError):
    """The workspace's orders cannot support this CLV request; the message says what is missing."""


def history_bounds(ws_or_con) -> tuple[dt.date | None, dt.date | None, int]:
    """(first purchase day, last purchase day, customers who bought) over the whole workspace."""
    first, last, customers = query_rows(connection(ws_or_con), "queries/predictions/clv/bounds.sql")[0]
    return (as_date(first) if first is not None else None, as_date(last) if last is not None else None,
            int(customers or 0))


def customer_summary(ws_or_con, calibration_end=None, holdout_end=None,
                     time_unit_days: float = TIME_UNIT_DAYS) -> pd.DataFrame:
    """Per-customer summary by DuckDB SQL (``insights/sql/queries/predictions/clv/summary.sql``); one row per customer.

    In: a workspace (or its connection) with marts built; ``calibration_end`` (a date; default the last
    purchase day), ``holdout_end`` (default = ``calibration_end``: no holdout), ``time_unit_days`` (7 = weeks).

    Out columns: customer_id, first_purchase, last_purchase (dates, calibration period), frequency (repeat
    purchase days), recency, T (in time units), monetary_value (mean spend of repeat purchase days; NaN for
    one-time buyers), calibration_spend, holdout_purchases, holdout_spend. Only customers whose first purchase
    day is on or before the calibration end appear. Same-day purchases count as one.
    """
    con = connection(ws_or_con)
    if calibration_end is None:
        calibration_end = history_bounds(con)[1]
        if calibration_end is None:
            return _empty_summary()
    calibration_end = as_date(calibration_end)
    holdout_end = as_date(holdout_end) if holdout_end is not None else calibration_end
    df = query_df(con, "queries/predictions/clv/summary.sql",
                  {"calibration_end": calibration_end, "holdout_end": holdout_end,
                   "unit_days": float(time_unit_days)})
    if df.empty:
        return _empty_summary()
    df["customer_id"] = df["customer_id"].astype(str)
    for col in ("recency", "T", "monetary_value", "calibration_spend", "holdout_spend"):
        df[col] = df[col].astype(float)
    for col in ("frequency", "holdout_purchases"):
        df[col] = df[col].astype("int64")
    return df


def _empty_summary() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype=str), "first_purchase": pd.Series(dtype="datetime64[s]"),
                         "last_purchase": pd.Series(dtype="datetime64[s]"), "frequency": pd.Series(dtype="int64"),
                         "recency": pd.Series(dtype=float), "T": pd.Series(dtype=float),
                         "monetary_value": pd.Series(dtype=float), "calibration_spend": pd.Series(dtype=float),
                         "holdout_purchases": pd.Series(dtype="int64"), "holdout_spend": pd.Series(dtype=float)})


def readiness(ws_or_con, calibration_end=None) -> Readiness:
    """Enough customers, repeat buyers and history for a CLV model? (see :mod:`insights.models.readiness`)."""
    first, last, _ = history_bounds(ws_or_con)
    if first is None:
        return assess(0, 0, 0)
    summary = customer_summary(ws_or_con, calibration_end=calibration_end or last, time_unit_days=1)
    end = as_date(calibration_end) if calibration_end is not None else last
    return assess(len(summary), int((summary["frequency"] > 0).sum()), (end - first).days)


def customer_to_date_revenue(ws_or_con) -> pd.Series:
    """Net revenue to date per customer (customers mart), as a float Series indexed by customer_id."""
    df = query_df(connection(ws_or_con), "queries/predictions/clv/revenue_to_date.sql")
    return pd.Series(df["net_revenue"].to_numpy(), index=df["customer_id"].astype(str).to_numpy())
