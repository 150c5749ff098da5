"""Intervals and tests shared by the rooms that report shares: Wilson's score interval, a two-proportion z-test,
Fisher's exact test of two shares (for rare events and small groups, where the z-test's normal tail is too thin)
and Holm's step-down adjustment for several comparisons."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval of a share (None, None without trials)."""
    if n == 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(centre - half, 0.0), min(centre + half, 1.0)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    if not n1 or not n2:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    return float(2 * stats.norm.sf(abs(x1 / n1 - x2 / n2) / se))


def fisher_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test that ``x1`` of ``n1`` and ``x2`` of ``n2`` are the same share."""
    if not n1 or not n2:
        return 1.0
    # the sum of every table with the same margins no likelier than the one seen (as scipy's fisher_exact, whose
    # search for the tail is many times slower on the tables of one view)
    successes = x1 + x2
    k = np.arange(max(0, successes - n2), min(n1, successes) + 1)
    # log hypergeometric probabilities of every first-row count k (log-gamma: exact enough, and fast)
    log_p = (_log_choose(successes, k) + _log_choose(n1 + n2 - successes, n1 - k)
             - _log_choose(n1 + n2, n1))
    seen = log_p[k == x1][0]
    return float(min(1.0, np.exp(log_p[log_p <= seen + 1e-7]).sum()))


def _log_choose(n, k):
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def holm_where_tested(p_values: pd.Series) -> pd.Series:
    """Holm-adjusted p-values over the rows that were tested (a p-value), NaN for the rest (too small to test)."""
    adjusted = pd.Series(np.nan, index=p_values.index)
    tested = p_values.notna()
    if tested.any():
        adjusted[tested] = holm(p_values[tested].astype(float).tolist())
    return adjusted


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the input order."""
    m = len(p_values)
    order = np.argsort(p_values)
    adjusted = np.empty(m)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[idx]))
        adjusted[idx] = running
    return adjusted.tolist()
