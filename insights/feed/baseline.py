"""What a period's figure should have been: a baseline that knows the weekday pattern and the trend.

Method (the "For analysts" view of the page repeats it). For one daily series and one target period
``[start, stop)``:

* the model is fitted on the days before the period only (at most :data:`FIT_WINDOW_DAYS`, at least the
  minimum history the caller asks for): an ordinary least-squares line with one level per weekday and a linear
  trend (statsmodels ``OLS``);
* the period's expected figure is the model's prediction summed (or averaged, for a per-order figure like AOV)
  over the period's own days — so February's 28 days are compared with 28 expected days, never with a month
  of 31;
* the interval adds the uncertainty of the fitted line (statsmodels ``get_prediction``) to the spread of the
  residuals *summed over runs of as many consecutive days as the period has* in the fitting window: busy and
  quiet runs of days cluster, and that spread is what a period's total really varies by;
* the test is two-sided on the normal scale of that spread; the caller corrects for testing many series and
  periods at once (Benjamini–Hochberg).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.regression.linear_model import OLS

FIT_WINDOW_DAYS = 365
INTERVAL_LEVEL = 0.95
_Z_HALF = float(norm.ppf(0.5 + INTERVAL_LEVEL / 2))   # 1.96: the interval's half-width in spreads


@dataclass(frozen=True)
class Expectation:
    """A period's actual figure against the baseline's: expected value, interval, z and two-sided p-value."""
    actual: float
    expected: float
    low: float
    high: float
    spread: float
    z: float
    p_value: float
    history_days: int
    days: int

    @property
    def change(self) -> float:
        """Relative difference actual / expected − 1 (0 when nothing was expected)."""
        return self.actual / self.expected - 1.0 if self.expected else 0.0


def design(days: np.ndarray, origin: int) -> np.ndarray:
    """Columns: constant, trend (years since day number ``origin``), six weekday indicators (Monday is the
    base). ``days``: day numbers (days since 1970-01-01, a Thursday)."""
    trend = (days - origin) / 365.25
    weekday = (days + 3) % 7
    dummies = np.stack([(weekday == d).astype(float) for d in range(1, 7)], axis=1)
    return np.column_stack([np.ones(len(days)), trend, dummies])


def day_numbers(index: pd.DatetimeIndex) -> np.ndarray:
    return index.to_numpy().astype("datetime64[D]").astype(np.int64)


def expect(series: pd.Series, start: dt.date, stop: dt.date, how: str = "sum",
           min_history_days: int = 56) -> Expectation | None:
    """The baseline for ``series`` (a float Series indexed by days, NaN = no value that day; its day numbers
    may be given in ``series.attrs["day_numbers"]`` to spare converting them on every call) over
    ``[start, stop)``; None when fewer than ``min_history_days`` days with a value precede the period or the
    period has no day with a value. ``how``: ``sum`` (revenue, orders) or ``mean`` (a per-order figure)."""
    if how not in ("sum", "mean"):
        raise ValueError(f"how must be 'sum' or 'mean', not {how!r}")
    days = series.attrs.get("day_numbers")
    days = day_numbers(series.index) if days is None else days
    values = series.to_numpy(dtype=float)
    first, last = np.searchsorted(days, [np.datetime64(start, "D").astype(np.int64),
                                         np.datetime64(stop, "D").astype(np.int64)])
    hist_days, hist_values = days[max(0, first - FIT_WINDOW_DAYS):first], values[max(0, first - FIT_WINDOW_DAYS):first]
    known = ~np.isnan(hist_values)
    hist_days, hist_values = hist_days[known], hist_values[known]
    target_days, target_values = days[first:last], values[first:last]
    known = ~np.isnan(target_values)
    target_days, target_values = target_days[known], target_values[known]
    if len(hist_values) < min_history_days or len(target_values) == 0:
        return None
    origin = int(hist_days[0])
    columns = design(hist_days, origin)
    seen = columns.any(axis=0)       # a weekday with no value in the history (a shop closed on Saturdays, for
    seen[0] = True                   # the order value) has no level to learn: leave its column out
    fit = OLS(hist_values, columns[:, seen]).fit()
    rows = design(target_days, origin)[:, seen]
    combined = rows.sum(axis=0) if how == "sum" else rows.mean(axis=0)
    prediction = fit.get_prediction(combined.reshape(1, -1))
    expected = float(prediction.predicted_mean[0])
    line_se = float(prediction.se_mean[0])

    n = len(target_values)
    resid = np.asarray(fit.resid)
    if len(resid) >= n + 1:
        sums = np.convolve(resid, np.ones(n), mode="valid")
        run_spread = float(np.std(sums if how == "sum" else sums / n, ddof=1))
    else:       # a period nearly as long as the history: assume independent days
        run_spread = float(np.std(resid, ddof=1) * np.sqrt(n if how == "sum" else 1.0 / n))
    spread = math.sqrt(line_se ** 2 + run_spread ** 2)
    actual = float(target_values.sum() if how == "sum" else target_values.mean())
    if spread <= 0:
        return None
    z = (actual - expected) / spread
    half = _Z_HALF * spread
    return Expectation(actual=actual, expected=expected, low=expected - half, high=expected + half,
                       spread=spread, z=z, p_value=float(2 * norm.sf(abs(z))), history_days=len(hist_values), days=n)
