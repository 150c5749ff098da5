"""What the customers a channel brought give back: their value per customer (predicted where CLV scores are stored,
else realised) and the month their cumulative gross margin per customer first covers what they cost (payback).

Margin: ``margin_rate`` × net revenue; ``None`` means revenue-based (margin = revenue), which every output says.

Payback (:func:`payback_months`): from the cohort table of the channel's new customers — month 1 is the month of a
customer's first order, month 2 the next calendar month … — the cumulative margin per customer at month k is the
margin of months 1..k summed over the customers who could have reached month k by the data's last month, divided by
their number. The payback month is the first k where it reaches the CAC. Where the data ends first, the predicted
value carries the curve on (the stored CLV's expected value over its horizon, spread evenly over its months) and the
answer is marked predicted; without predictions it is None ("not yet paid back").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from insights.core import scores

# the stored CLV scores look one year past the data (predictions.clv's default horizon of 365 days)
CLV_HORIZON_MONTHS = 12
MAX_PAYBACK_MONTHS = 120       # beyond ten years a channel does not pay back in any sense that matters


def margin_label(margin_rate: float | None) -> str:
    return "revenue-based (no costs known)" if margin_rate is None else f"gross margin {margin_rate:.0%}"


def customer_values(ws, new_customers: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Per customer in ``new_customers`` (customer_id, net_revenue): value, value_low, value_high, future — what
    they bought so far plus, where current CLV scores are stored (``core.scores``), their predicted value over the
    next year with its 80 % interval. Second: ``"predicted"`` or ``"realised"`` (no current scores: value = what
    they bought so far, interval = the value)."""
    frame = new_customers[["customer_id", "net_revenue"]].copy()
    frame["net_revenue"] = frame["net_revenue"].astype(float).fillna(0.0)
    stored = scores.current(ws, "clv")
    if stored is None or not len(stored):
        frame["future"] = 0.0
        frame["value"] = frame["value_low"] = frame["value_high"] = frame["net_revenue"]
        return frame, "realised"
    clv = stored[["customer_id", "clv", "clv_low", "clv_high"]].copy()
    clv["customer_id"] = clv["customer_id"].astype(str)
    frame["customer_id"] = frame["customer_id"].astype(str)
    frame = frame.merge(clv, on="customer_id", how="left")
    for col in ("clv", "clv_low", "clv_high"):
        frame[col] = frame[col].astype(float).fillna(0.0)
    frame["future"] = frame["clv"]
    frame["value"] = frame["net_revenue"] + frame["clv"]
    frame["value_low"] = frame["net_revenue"] + frame["clv_low"]
    frame["value_high"] = frame["net_revenue"] + frame["clv_high"]
    return frame.drop(columns=["clv", "clv_low", "clv_high"]), "predicted"


def cumulative_margin(acquired: pd.DataFrame, customer_months: pd.DataFrame, last_month,
                      margin_rate: float | None) -> list[float]:
    """Cumulative margin per customer at months 1, 2, … since acquisition (see the module docstring).

    ``acquired``: customer_id, month (of the first order); ``customer_months``: customer_id, month, revenue."""
    if not len(acquired):
        return []
    last = pd.Timestamp(last_month)
    acq = acquired[["customer_id", "month"]].copy()
    acq["month"] = pd.to_datetime(acq["month"])
    span = ((last.year - acq["month"].dt.year) * 12 + (last.month - acq["month"].dt.month)).to_numpy()
    horizon = int(span.max()) + 1 if len(span) else 0
    if horizon <= 0:
        return []
    rate = 1.0 if margin_rate is None else float(margin_rate)
    merged = customer_months.merge(acq.rename(columns={"month": "first"}), on="customer_id")
    merged["month"] = pd.to_datetime(merged["month"])
    k = ((merged["month"].dt.year - merged["first"].dt.year) * 12
         + (merged["month"].dt.month - merged["first"].dt.month)).to_numpy()
    index = {c: i for i, c in enumerate(acq["customer_id"])}
    grid = np.zeros((len(acq), horizon))
    keep = (k >= 0) & (k < horizon)
    rows = merged["customer_id"].map(index).to_numpy()[keep]
    np.add.at(grid, (rows, k[keep]), merged["revenue"].astype(float).to_numpy()[keep] * rate)
    cumulative = grid.cumsum(axis=1)
    curve = []
    for month in range(horizon):
        seen = span >= month
        curve.append(float(cumulative[seen, month].sum() / seen.sum()))
    return curve


def payback_months(cac: float | None, curve: list[float], future_per_customer: float | None,
                   margin_rate: float | None) -> tuple[int | None, bool]:
    """(payback month, predicted?) — the first month whose cumulative margin per customer reaches ``cac``;
    past the data, the predicted future value (``future_per_customer`` over :data:`CLV_HORIZON_MONTHS`) goes on
    adding evenly for that horizon; (None, False) when neither reaches it."""
    if cac is None:
        return None, False
    for month, value in enumerate(curve, start=1):
        if value >= cac - 1e-9:
            return month, False
    monthly = (future_per_customer or 0.0) * (1.0 if margin_rate is None else margin_rate) / CLV_HORIZON_MONTHS
    if monthly <= 0:
        return None, False
    months = len(curve) + math.ceil((cac - (curve[-1] if curve else 0.0)) / monthly - 1e-9)
    # the prediction reaches one horizon past the data: a payback later than that is not known
    return (months, True) if months <= min(len(curve) + CLV_HORIZON_MONTHS, MAX_PAYBACK_MONTHS) else (None, False)
