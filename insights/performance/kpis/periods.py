"""The scorecard's calendar: periods (calendar weeks, ISO with Monday start; months; quarters; or a custom
range), their labels, the period macros of the KPI and cohort queries, and the data's date range and currency."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.currency import reporting_currency
from insights.core.db import query_rows, sql_text
from insights.core.workspace import connection

PERIODS = ("week", "month", "quarter")
WEEK_ORIGIN = dt.date(2000, 1, 3)  # a Monday: week buckets count from here


def define_period_macros(con) -> None:
    """Define the period macros on this connection (temporary: nothing is written to the workspace)."""
    con.execute(sql_text("queries/performance/kpis/macros.sql"))


def checked_date(value, what: str) -> dt.date:
    """The calendar day of a date, datetime, Timestamp or ISO text (``2024-06-30``, anything after the 10th
    character ignored); a ValueError naming ``what`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"{what}: expected a date like 2024-06-30, got {value!r}") from None


def check_period(period: str) -> None:
    """A ValueError unless ``period`` is week, month, quarter or custom."""
    if period not in PERIODS + ("custom",):
        raise ValueError(f"period must be one of week, month, quarter or custom, not {period!r}")


def period_start(day, period: str) -> dt.date:
    """The first day of the week (Monday) / month / quarter holding ``day``."""
    day = checked_date(day, "day")
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"period must be week, month or quarter, not {period!r}")


def period_end(start: dt.date, period: str) -> dt.date:
    """The first day after the period starting at ``start`` (ranges are half-open: [start, end))."""
    return shift_period(start, period, 1)


def shift_period(start: dt.date, period: str, steps: int) -> dt.date:
    """The start of the period ``steps`` periods after (negative: before) the one starting at ``start``."""
    if period == "week":
        return start + dt.timedelta(days=7 * steps)
    months = steps * (1 if period == "month" else 3)
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start, period: str, end=None) -> str:
    """``June 2024``, ``Q2 2024``, ``week of 3 Jun 2024``, or ``1 Jun – 14 Jun 2024`` for a custom range."""
    start = checked_date(start, "period start")
    if period == "month":
        return f"{start:%B %Y}"
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if period == "week":
        return f"week of {start.day} {start:%b %Y}"
    last = checked_date(end, "period end") - dt.timedelta(days=1) if end is not None else start
    return f"{start.day} {start:%b %Y} – {last.day} {last:%b %Y}"


def data_range(ws) -> tuple[dt.date | None, dt.date | None]:
    """First and last order day in the workspace."""
    first, last = query_rows(connection(ws), "queries/performance/kpis/data_range.sql")[0]
    return first, last


def data_currency(ws) -> str | None:
    """The currency money totals are in (:func:`insights.core.currency.reporting_currency`: the owner's choice,
    else the one most order lines are in), or None when the data names none."""
    return reporting_currency(connection(ws))


def workspace_currency(ws) -> str | None:
    """The currency of the amounts: the data's own, else the one the owner chose for the workspace, else None
    (amounts are then shown without a symbol, never with a guessed one)."""
    found = data_currency(ws)
    if found:
        return found
    return ws.setting("currency") if hasattr(ws, "setting") else None
