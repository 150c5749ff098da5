"""The shop's purchase rhythm: the days between a customer's consecutive purchase days.

One table (``sql/intermediate/customer_order_days.sql``) and one function (:func:`purchase_rhythm`) serve
every rule built on it — the churn window, the lifecycle's active and lapsed thresholds, the expected next
order — so they can no longer disagree about what a gap is. Several orders on one day are one purchase;
guests and days with only cancellations are left out; only purchases before ``as_of`` count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from insights.core.dates import as_timestamp
from insights.core.db import first_row, query_df, sql_text
from insights.core.workspace import connection

RHYTHM_QUANTILES = (0.5, 0.75, 0.9, 0.95)


@dataclass(frozen=True)
class Rhythm:
    """How many repeat purchases were seen, and the gap in days at each asked probability."""
    repeat_purchases: int
    gaps_at: dict[float, float]

    def gap_at(self, probability: float) -> float:
        return self.gaps_at[float(probability)]

    def days_at(self, probability: float, minimum: int = 1) -> int:
        """The gap at ``probability`` rounded up to whole days, at least ``minimum``: "that share of repeat
        orders come within this many days of the previous one"."""
        return max(minimum, int(math.ceil(self.gap_at(probability))))

    def percentiles(self) -> dict[str, float]:
        """{'p50': …, 'p75': …} for display."""
        return {f"p{int(round(q * 100))}": v for q, v in self.gaps_at.items()}


def purchase_rhythm(ws_or_con, as_of, quantiles=RHYTHM_QUANTILES) -> Rhythm:
    """The gaps before ``as_of`` (midnight of that day) at each of ``quantiles`` (linear interpolation)."""
    probabilities = [float(q) for q in quantiles]
    row = first_row(connection(ws_or_con).execute(sql_text("queries/customers/rhythm/gap_quantiles.sql"),
                                                  {"as_of": as_timestamp(as_of), "quantiles": probabilities}))
    n = int(row[0]) if row else 0
    values = [float(v) for v in (row[1] or [])] if row and n else []
    return Rhythm(n, dict(zip(probabilities, values)))


def share_within(ws_or_con, as_of, days: int) -> float | None:
    """The share of repeat purchases before ``as_of`` that came within ``days`` of the previous one."""
    row = first_row(connection(ws_or_con).execute(sql_text("queries/customers/rhythm/share_within.sql"),
                                                  {"as_of": as_timestamp(as_of), "days": int(days)}))
    return float(row[0]) if row and row[0] is not None else None


def customer_gaps(ws_or_con, as_of) -> pd.DataFrame:
    """One row per identified customer who bought before ``as_of``: customer_id, last_order_date, gaps,
    mean_gap_days (null with one purchase day) and shop_gap_days (the median over repeat customers)."""
    return query_df(connection(ws_or_con), "queries/customers/rhythm/customer_gaps.sql",
                    {"as_of": as_timestamp(as_of)})
