"""What churn means in this workspace: the kind of data (a shop's orders, or a subscription file with its own
outcome), and for a shop the churn window — no order for ``W`` days, ``W`` from the customers' own purchase
rhythm (:mod:`insights.customers.rhythm`, the same one the lifecycle uses)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from insights.core.dates import data_end
from insights.core.db import query_rows
from insights.customers.rhythm import purchase_rhythm, share_within

CANCELLED_STATUSES = ("cancelled", "canceled", "churned", "inactive", "closed", "lapsed", "terminated", "ended")
MIN_WINDOW_DAYS = 7
GAP_QUANTILES = (0.5, 0.75, 0.9, 0.95)


class ChurnDataError(ValueError):
    """The workspace cannot support a churn model; the message says what is missing in plain words."""


@dataclass
class ChurnDefinition:
    kind: str                      # "shop" or "subscription"
    as_of: pd.Timestamp | None
    window_days: int | None = None
    percentile: float | None = None
    cutoff: pd.Timestamp | None = None
    gap_percentiles: dict = field(default_factory=dict)
    label_source: str | None = None

    def describe(self) -> str:
        if self.kind == "subscription":
            return (f"A customer has churned when the customers file says so (column {self.label_source}). "
                    "The model learns from customers whose outcome is known.")
        pct = f"{self.percentile:.0%}" if self.percentile else "most"
        return (f"A customer has churned when they place no order for {self.window_days} days. "
                f"In this shop {pct} of repeat orders came within {self.window_days} days of the previous one. "
                f"The model learned from customers as they stood on {self.cutoff:%d %b %Y} and whether they "
                f"ordered in the {self.window_days} days after.")


def detect_kind(con) -> str:
    """'subscription' when the customers file carries a churn label / cancellation / status; else 'shop'."""
    if label_source(con):
        return "subscription"
    return "shop"


def label_source(con) -> str | None:
    row = query_rows(con, "queries/predictions/churn/label_counts.sql", {"statuses": list(CANCELLED_STATUSES)})[0]
    labelled, status, cancelled, total = row
    if total == 0:
        return None
    if labelled >= 0.5 * total:
        return "churned"
    if status > 0:
        return "status"
    if cancelled > 0:
        return "cancelled_at"
    return None


def gap_quantiles(con, as_of, quantiles) -> tuple[int, list[float]]:
    """(number of repeat purchases before ``as_of``, the gap in days at each of ``quantiles``): the shop's
    purchase rhythm (:func:`insights.customers.rhythm.purchase_rhythm`), the same one the lifecycle uses."""
    rhythm = purchase_rhythm(con, as_of, quantiles)
    return rhythm.repeat_purchases, [rhythm.gap_at(q) for q in quantiles] if rhythm.repeat_purchases else []


def churn_window(con, as_of, percentile: float = 0.9) -> tuple[int, dict]:
    """Churn window in days: the ``percentile`` of purchase gaps (at least a week). Also the gap quartiles."""
    if not 0.5 <= percentile < 1:
        raise ChurnDataError(f"The churn window percentile must be between 50% and 99%, got {percentile:.0%}.")
    n, values = gap_quantiles(con, as_of, GAP_QUANTILES + (percentile,))
    if n < 10:
        raise ChurnDataError(f"Only {n} repeat purchases are in the data; a churn window is derived from "
                             "the gaps between a customer's orders, and about 50 repeat purchases are needed. "
                             "Set the window by hand (e.g. 90 days) to go on.")
    stats = {f"p{int(q * 100)}": v for q, v in zip(GAP_QUANTILES, values)}
    return max(MIN_WINDOW_DAYS, int(math.ceil(values[-1]))), stats


def churn_definition(con, percentile: float = 0.9, window_days: int | None = None) -> ChurnDefinition:
    kind = detect_kind(con)
    if kind == "subscription":
        return ChurnDefinition("subscription", data_end(con), label_source=label_source(con))
    as_of = data_end(con)
    if as_of is None:
        raise ChurnDataError("This workspace has no orders with a customer: load an orders file first.")
    stats = {}
    if window_days is None:
        window_days, stats = churn_window(con, as_of, percentile)
    else:
        window_days = int(window_days)
        if window_days < 1:
            raise ChurnDataError(f"The churn window must be at least one day, got {window_days}.")
        n, values = gap_quantiles(con, as_of, GAP_QUANTILES)
        if n:
            stats = {f"p{int(q * 100)}": v for q, v in zip(GAP_QUANTILES, values)}
            percentile = share_within(con, as_of, window_days)
        else:
            percentile = None
    cutoff = as_of - pd.Timedelta(days=window_days)
    return ChurnDefinition("shop", as_of, window_days, percentile, cutoff, stats)
