"""How many customers a test needs when the outcome is money: the spread of the shop's own revenue per customer,
before and after the regression adjustment a campaign's reading uses (:mod:`insights.experiments.campaign`).

A conversion formula does not fit revenue: most customers spend nothing in a month and a few spend a lot, so the
spread is the shop's own. :func:`revenue_spread` reads it from the workspace — every identified customer who had
bought before a day ``window_days`` before the data's end, and what each spent in the ``window_days`` after that
day (the outcome a campaign sent then would be read on) and in the ``pre_days`` before it. The adjustment
subtracts what each customer's own past predicts; its expected variance reduction is the squared correlation ρ²
of the two, so the adjusted spread is σ·sqrt(1 − ρ²).

Sample size for a difference δ in means with a share ``s`` of the list held back as the control (Welch's test,
normal approximation, the same per-unit spread in both groups):

    total N = (z_{1-α/sides'} + z_{power})² · σ² · (1/s + 1/(1 − s)) / δ²

which for an even split is the textbook 2 (z_a + z_b)² σ² / δ² per variant. With several variants each is compared
with the control at α / (variants − 1), split equally, as :mod:`insights.experiments.planner` does for rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.core.dates import data_end
from insights.core.db import query_df
from insights.core.workspace import connection
from insights.experiments.planner import check_settings, z_values


@dataclass(frozen=True)
class RevenueSpread:
    """The shop's revenue per customer over one window: ``customers`` read, their ``mean`` and standard deviation
    ``sd``, and ``r_squared`` — the share of its variance each customer's own past spending explains."""
    customers: int
    mean: float
    sd: float
    r_squared: float
    as_of: pd.Timestamp
    window_days: int
    pre_days: int

    @property
    def adjusted_sd(self) -> float:
        return self.sd * math.sqrt(max(0.0, 1.0 - self.r_squared))


def revenue_spread(ws, window_days: int = 30, pre_days: int = 365, as_of=None) -> RevenueSpread | None:
    """The spread of revenue per customer over the ``window_days`` from ``as_of`` (default: the shop's last
    complete window, ``window_days`` before the data's end); None without at least two customers who bought
    before it."""
    end = data_end(ws)
    if end is None or window_days < 1 or pre_days < 1:
        return None
    as_of = end - pd.Timedelta(days=window_days) if as_of is None else pd.Timestamp(as_of)
    frame = query_df(connection(ws), "queries/experiments/planner/revenue_per_customer.sql",
                     params={"as_of": as_of.to_pydatetime(), "window_days": int(window_days),
                             "pre_days": int(pre_days)})
    if len(frame) < 2:
        return None
    after = frame["revenue_after"].astype(float).to_numpy()
    before = frame["revenue_before"].astype(float).to_numpy()
    r_squared = 0.0
    if after.std() > 0 and before.std() > 0:
        r_squared = float(np.corrcoef(after, before)[0, 1] ** 2)
    return RevenueSpread(len(frame), float(after.mean()), float(after.std(ddof=1)), r_squared, as_of, window_days,
                         pre_days)


def _weight(control_share: float | None, variants: int) -> tuple[float, float]:
    """(1/s + 1/t, s): with the control's share s of the list and each variant's t = (1 − s)/(variants − 1), the
    variance of one variant's difference from the control is σ² (1/s + 1/t) / N for a list of N."""
    share = 1 / variants if control_share is None else control_share
    if not 0 < share < 1:
        raise ValueError(f"control share {control_share}: expected a share between 0 and 1 (10% is 0.1)")
    treated = (1 - share) / (variants - 1)
    return 1 / share + 1 / treated, share


def total_for_difference(sd: float, difference: float, *, alpha: float = 0.05, power: float = 0.8, sides: int = 2,
                         variants: int = 2, control_share: float | None = None) -> int:
    """Customers in the whole test (control and every variant) to detect ``difference`` in mean per customer."""
    check_settings(alpha, power, sides, variants)
    if difference <= 0 or sd < 0:
        raise ValueError(f"difference {difference}: expected a positive change in money per customer")
    weight, _ = _weight(control_share, variants)
    z_a, z_b = z_values(alpha, power, sides, variants)
    return max(variants, math.ceil((z_a + z_b) ** 2 * sd * sd * weight / difference ** 2 - 1e-9))


def difference_at(sd: float, list_size: int, *, alpha: float = 0.05, power: float = 0.8, sides: int = 2,
                  variants: int = 2, control_share: float | None = None) -> float:
    """The smallest change in mean per customer a list of ``list_size`` (the whole test) detects."""
    check_settings(alpha, power, sides, variants)
    if list_size < 2 * variants:
        raise ValueError(f"{list_size} customers: too few for any test")
    weight, _ = _weight(control_share, variants)
    z_a, z_b = z_values(alpha, power, sides, variants)
    return (z_a + z_b) * sd * math.sqrt(weight / list_size)


@dataclass(frozen=True)
class RevenuePlan:
    spread: RevenueSpread
    difference: float                   # the change to detect, in money per customer
    total_users: int                    # with the adjustment for each customer's past
    total_unadjusted: int
    control_share: float
    mde_at_list_size: float | None      # relative to the mean (money ÷ mean), adjusted; None without a list size
    mde_unadjusted: float | None

    variants: int = 2

    @property
    def users_per_variant(self) -> int:
        """Customers each changed variant gets (in an even split, every group)."""
        return math.ceil(self.total_users * (1 - self.control_share) / (self.variants - 1))

    @property
    def control_users(self) -> int:
        return math.ceil(self.total_users * self.control_share)

    def to_dict(self) -> dict:
        s = self.spread
        return {"metric": "revenue per customer", "users_per_variant": self.users_per_variant,
                "control_users": self.control_users, "total_users": self.total_users, "mde_at_list_size": self.mde_at_list_size,
                "control_share": self.control_share, "difference": self.difference,
                "mean": s.mean, "sd": s.sd, "adjusted_sd": s.adjusted_sd, "variance_reduction": s.r_squared,
                "customers": s.customers, "window_days": s.window_days, "pre_days": s.pre_days,
                "as_of": s.as_of.date().isoformat(),
                "unadjusted": {"total_users": self.total_unadjusted, "mde_at_list_size": self.mde_unadjusted}}


def plan_revenue(spread: RevenueSpread, mde: float, *, absolute: bool = False, alpha: float = 0.05,
                 power: float = 0.8, sides: int = 2, variants: int = 2, control_share: float | None = None,
                 list_size: int | None = None) -> RevenuePlan:
    """Customers needed to detect ``mde`` (relative to the shop's mean revenue per customer unless ``absolute``:
    money per customer), with and without the pre-period adjustment; with ``list_size``, the relative change
    that list can detect."""
    if spread.mean <= 0 and not absolute:
        raise ValueError("the shop's customers spent nothing in the last window: give the change in money "
                         "(--absolute)")
    difference = mde if absolute else mde * spread.mean
    settings = dict(alpha=alpha, power=power, sides=sides, variants=variants, control_share=control_share)
    adjusted = total_for_difference(spread.adjusted_sd, difference, **settings)
    plain = total_for_difference(spread.sd, difference, **settings)
    at = plain_at = None
    if list_size:
        scale = 1.0 if absolute else spread.mean
        at = difference_at(spread.adjusted_sd, list_size, **settings) / scale
        plain_at = difference_at(spread.sd, list_size, **settings) / scale
    _, share = _weight(control_share, variants)
    return RevenuePlan(spread, difference, adjusted, plain, share, at, plain_at, variants)
