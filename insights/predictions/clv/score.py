"""Per-customer CLV scores over a horizon, with an 80 % predictive interval (see :mod:`insights.predictions.clv`).

``clv`` = Σ over months m = 1..M of (expected purchases in month m) × expected spend / (1 + d)^m; the interval
is simulated from the fitted models with their parameter uncertainty and the customer's own purchase and spend
randomness (:mod:`insights.predictions.clv.intervals`), at the same discounting.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from insights.models.bgnbd import expected_purchases_by_time, probability_alive, unique_rows
from insights.predictions.clv.fit import ClvModels
from insights.predictions.clv.intervals import predictive_interval

DAYS_PER_MONTH = 365.25 / 12       # an average month; lifetimes uses 4.345 weeks (30.4 days)
DEFAULT_HORIZON_DAYS = 365
DEFAULT_ANNUAL_DISCOUNT = 0.10
DEFAULT_INTERVAL = 0.80
SCORE_COLUMNS = ["customer_id", "expected_purchases", "p_alive", "expected_spend", "clv", "clv_low", "clv_high",
                 "next_order_expected_at"]


def monthly_rate(annual_discount_rate: float) -> float:
    """The monthly discount rate equivalent to an annual one: (1 + annual)^(1/12) − 1."""
    if not (0 <= annual_discount_rate < 10):
        raise ValueError(f"annual discount rate must be between 0 and 10 (e.g. 0.1 for 10 %), got {annual_discount_rate}")
    return (1.0 + annual_discount_rate) ** (1.0 / 12.0) - 1.0


def score_customers(models: ClvModels, summary: pd.DataFrame, horizon_days: int = DEFAULT_HORIZON_DAYS,
                    annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT,
                    interval: float = DEFAULT_INTERVAL, random_state: int | None = 0) -> pd.DataFrame:
    """Per-customer predictions over ``horizon_days`` after the calibration end (see the module docstring).

    Out: one row per summary row, columns :data:`SCORE_COLUMNS` plus frequency, recency, T, monetary_value and
    p_nothing (the chance of no purchase in the horizon). Vectorised: the BG/NBD formulas run once per unique
    (frequency, recency, T) row; the interval's simulation is seeded by ``random_state``.
    """
    if horizon_days <= 0:
        raise ValueError(f"horizon must be at least one day, got {horizon_days}")
    if not 0 < interval < 1:
        raise ValueError(f"interval must be between 0 and 1 (e.g. 0.8), got {interval}")
    unit = models.time_unit_days
    params = models.bgnbd.params_
    months = math.ceil(horizon_days / DAYS_PER_MONTH)
    ends = np.minimum(np.arange(1, months + 1) * DAYS_PER_MONTH, horizon_days) / unit
    d = monthly_rate(annual_discount_rate)
    discounts = 1.0 / (1.0 + d) ** np.arange(1, months + 1)

    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    uniq, inverse, _ = unique_rows(x, t_x, T)
    ux, utx, uT = uniq[:, 0], uniq[:, 1], uniq[:, 2]
    modified = bool(getattr(models.bgnbd, "modified", False))
    cumulative = expected_purchases_by_time(params, ux, utx, uT, ends, modified=modified)
    per_month = np.diff(cumulative, axis=1, prepend=0.0)
    purchases = cumulative[:, -1]
    discounted = per_month @ discounts
    alive = probability_alive(params, ux, utx, uT, modified=modified)
    with np.errstate(all="ignore"):
        effective_discount = np.where(purchases > 0, discounted / purchases, discounts.mean())

    spend = models.expected_spend(summary)
    out = pd.DataFrame({"customer_id": summary["customer_id"].to_numpy()})
    for col in ("frequency", "recency", "T", "monetary_value"):
        out[col] = summary[col].to_numpy()
    out["expected_purchases"] = purchases[inverse]
    out["p_alive"] = alive[inverse]
    out["expected_spend"] = spend
    out["clv"] = discounted[inverse] * spend
    bounds = predictive_interval(models, summary, horizon_days / unit, effective_discount[inverse], interval,
                                 random_state=random_state, histories=(uniq, inverse))
    out["clv_low"] = bounds["clv_low"].to_numpy()
    out["clv_high"] = bounds["clv_high"].to_numpy()
    out["p_nothing"] = bounds["p_nothing"].to_numpy()
    # filled by the run from the customer's own buying rhythm (insights.customers.next_order): one next-order date
    out["next_order_expected_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[s]")
    return out
