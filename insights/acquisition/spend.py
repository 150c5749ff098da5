"""Spend per label and calendar month: each loaded spend row spread over the months it covers, by days (a Meta
row from 15 January to 14 February is half January's, half February's), to the cent: the shares of a row add up to
its amount exactly (the last month takes the remainder).

Out (:func:`monthly_spend`): one row per spend row and month — label (the spend's channel in the workspace's
spelling), platform, month (first day), currency (None: not stated), spend (Decimal), file_name.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd

from insights.core.db import query_df

CENT = Decimal("0.01")
COLUMNS = ["label", "platform", "month", "currency", "spend", "file_name"]


def _months(start: dt.date, end: dt.date):
    """(first day of the month, days of [start, end] in it) for every month the period touches."""
    month = start.replace(day=1)
    while month <= end:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        first, last = max(start, month), min(end, following - dt.timedelta(days=1))
        yield month, (last - first).days + 1
        month = following


def allocate(amount: Decimal, start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
    """``amount`` spread over the months of [start, end] by days, in cents; the shares add up to ``amount``."""
    amount = Decimal(amount)
    if end < start:
        end = start
    parts = list(_months(start, end))
    if len(parts) == 1:
        return [(parts[0][0], amount)]
    days = sum(d for _, d in parts)
    out, given = [], Decimal(0)
    for month, d in parts[:-1]:
        share = (amount * d / days).quantize(CENT, rounding=ROUND_HALF_EVEN)
        out.append((month, share))
        given += share
    out.append((parts[-1][0], amount - given))
    return out


def monthly_spend(ws) -> pd.DataFrame:
    """Every loaded spend row spread over its months (see the module docstring)."""
    rows = query_df(ws.con, "queries/acquisition/spend_rows.sql")
    out = []
    for r in rows.itertuples(index=False):
        label = r.channel if isinstance(r.channel, str) and r.channel else None
        currency = r.currency if isinstance(r.currency, str) and r.currency else None
        start, end = pd.Timestamp(r.period_start).date(), pd.Timestamp(r.period_end).date()
        for month, share in allocate(Decimal(str(r.amount)), start, end):
            out.append((label, r.platform if isinstance(r.platform, str) else None, month, currency, share,
                        r.file_name))
    return pd.DataFrame(out, columns=COLUMNS)
