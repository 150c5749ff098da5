"""One metric, one variant against the control: the difference with its 95% interval and p-value, the method named.

Rates (yes/no): two-proportion z-test (pooled, statsmodels), Wald interval of the difference, Wilson intervals
of each rate. Means (counts, amounts): Welch's t-test and interval; the relative lift's interval by the delta
method. Revenue's heavy tail: :func:`winsorise` caps at a stated percentile computed over the buyers' values
(with few buyers a pooled 99th percentile is 0) and caps refunds (negative values) below the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from insights.core.intervals import Z95, wilson


@dataclass
class Comparison:
    """``diff`` is variant − control; ``rel_diff`` is diff / control (None when the control is 0)."""
    metric: str
    variant: str
    control_units: int
    variant_units: int
    control_value: float
    variant_value: float
    control_low: float | None
    control_high: float | None
    variant_low: float | None
    variant_high: float | None
    diff: float
    diff_low: float
    diff_high: float
    rel_diff: float | None
    rel_low: float | None
    rel_high: float | None
    p_value: float
    method: str
    variance: float            # the variance of ``diff`` (for the sequential interval)
    kind: str = "rate"


def _relative(mean_c: float, mean_v: float, var_c: float, var_v: float) -> tuple[float | None, float | None,
                                                                                  float | None]:
    """Relative lift mean_v / mean_c − 1 and its 95% interval by the delta method (var_* are variances of means)."""
    if mean_c == 0:
        return None, None, None
    rel = mean_v / mean_c - 1
    se = math.sqrt(var_v / mean_c ** 2 + mean_v ** 2 * var_c / mean_c ** 4)
    return rel, rel - Z95 * se, rel + Z95 * se


def compare_rates(metric: str, variant: str, control: np.ndarray, treated: np.ndarray) -> Comparison:
    """Two 0/1 arrays: the control's and the variant's units."""
    n_c, n_v = len(control), len(treated)
    x_c, x_v = int(control.sum()), int(treated.sum())
    p_c, p_v = x_c / n_c, x_v / n_v
    diff = p_v - p_c
    var_c, var_v = p_c * (1 - p_c) / n_c, p_v * (1 - p_v) / n_v
    se = math.sqrt(var_c + var_v)
    if x_c + x_v in (0, n_c + n_v):
        p_value = 1.0
    else:
        p_value = float(proportions_ztest([x_v, x_c], [n_v, n_c])[1])
    rel, rel_low, rel_high = _relative(p_c, p_v, var_c, var_v)
    c_low, c_high = wilson(x_c, n_c)
    v_low, v_high = wilson(x_v, n_v)
    return Comparison(metric, variant, n_c, n_v, p_c, p_v, c_low, c_high, v_low, v_high, diff, diff - Z95 * se,
                      diff + Z95 * se, rel, rel_low, rel_high, p_value,
                      "two-proportion z-test (pooled), Wald 95% interval", se * se, "rate")


def _mean_interval(values: np.ndarray) -> tuple[float | None, float | None]:
    n = len(values)
    if n < 2:
        return None, None
    half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)
    mean = float(values.mean())
    return mean - half, mean + half


def compare_means(metric: str, variant: str, control: np.ndarray, treated: np.ndarray,
                  method: str = "Welch t-test, delta-method relative lift") -> Comparison:
    """Two float arrays of per-unit values (counts, amounts)."""
    n_c, n_v = len(control), len(treated)
    m_c, m_v = float(control.mean()), float(treated.mean())
    var_c = control.var(ddof=1) / n_c if n_c > 1 else 0.0
    var_v = treated.var(ddof=1) / n_v if n_v > 1 else 0.0
    se = math.sqrt(var_c + var_v)
    diff = m_v - m_c
    if se == 0:
        p_value, half = (1.0 if diff == 0 else 0.0), 0.0
    else:
        df = (var_c + var_v) ** 2 / ((var_c ** 2 / (n_c - 1) if n_c > 1 else 0) + (var_v ** 2 / (n_v - 1) if n_v > 1 else 0))
        p_value = float(2 * stats.t.sf(abs(diff) / se, df))
        half = float(stats.t.ppf(0.975, df) * se)
    rel, rel_low, rel_high = _relative(m_c, m_v, var_c, var_v)
    c_low, c_high = _mean_interval(control)
    v_low, v_high = _mean_interval(treated)
    return Comparison(metric, variant, n_c, n_v, m_c, m_v, c_low, c_high, v_low, v_high, diff, diff - half,
                      diff + half, rel, rel_low, rel_high, p_value, method, se * se, "mean")


def winsorise(values: np.ndarray, percentile: float = 99.0) -> tuple[np.ndarray, float | None, float | None]:
    """Cap amounts above the ``percentile`` of the buyers' (positive) values and refunds (negative values) below
    the same percentile of their sizes. Returns (capped values, upper cap, lower cap); a cap is None when no value
    is on that side. Zeros (no purchase) are not part of either percentile."""
    positive, negative = values[values > 0], values[values < 0]
    upper = float(np.percentile(positive, percentile)) if len(positive) else None
    lower = -float(np.percentile(-negative, percentile)) if len(negative) else None
    return np.clip(values, lower, upper), upper, lower
