"""Predicted cohort cells: the revenue each cohort's customers are expected to bring in the periods after the
data ends, for the cohort heatmap (long format, one row per cohort × future period)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from insights.core.workspace import connection
from insights.predictions.clv.applies import use_modified
from insights.predictions.clv.fit import ClvModels, fit_models
from insights.predictions.clv.summary import TIME_UNIT_DAYS, customer_summary, customer_to_date_revenue, history_bounds

_GRAIN_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}


def predicted_cohort_cells(ws_or_con, grain: str = "month", months_ahead: int = 6, models: ClvModels | None = None,
                           time_unit_days: float = TIME_UNIT_DAYS) -> pd.DataFrame:
    """Predicted revenue per cohort customer in the periods after the data ends, for the cohort heatmap.

    Long format, one row per cohort × future period: ``cohort`` (first day of the cohort period, as in
    :func:`insights.performance.cohorts.cohort_table`), ``period_index`` (periods since the cohort period, continuing
    after the last observed one), ``customers``, ``predicted_revenue_per_customer`` (expected net revenue per
    cohort customer in that period: Σ expected purchases in the period × expected spend / cohort size),
    ``predicted_ltv`` (revenue per customer to date + the predicted periods so far), ``predicted`` (True).

    ``months_ahead`` counts periods of ``grain`` (weeks for ``week``). The models are fitted on the whole
    history unless ``models`` is given. Raises :class:`ModelFitError` when no model can be fitted.
    """
    if grain not in _GRAIN_FREQ:
        raise ValueError(f"grain must be one of {', '.join(_GRAIN_FREQ)}; got {grain!r}")
    if months_ahead < 1:
        raise ValueError(f"months_ahead must be at least 1, got {months_ahead}")
    columns = ["cohort", "period_index", "customers", "predicted_revenue_per_customer", "predicted_ltv", "predicted"]
    con = connection(ws_or_con)
    _, last, _ = history_bounds(con)
    if last is None:
        return pd.DataFrame(columns=columns)
    summary = customer_summary(con, last, time_unit_days=time_unit_days)
    if models is None:
        models = fit_models(summary, last, time_unit_days, modified=use_modified(summary))
    unit = models.time_unit_days
    freq = _GRAIN_FREQ[grain]
    last_period = pd.Period(last, freq=freq)
    future = [last_period + k for k in range(1, months_ahead + 1)]
    # time 0 is the end of the data's last day; period k covers the days (end of period k-1, end of period k]
    first_start = (future[0].start_time.date() - last).days - 1
    ends = [(p.end_time.date() - last).days for p in future]
    times = np.array([first_start] + ends, dtype=float) / unit
    cumulative = models.bgnbd.cumulative_purchases(summary, times)
    per_period = np.diff(cumulative, axis=1)                                    # (n, months_ahead)
    spend = models.expected_spend(summary)
    revenue = per_period * spend[:, None]
    cohorts = pd.PeriodIndex(pd.to_datetime(summary["first_purchase"]), freq=freq)
    frame = pd.DataFrame(revenue, columns=range(months_ahead))
    frame["cohort_period"] = cohorts
    to_date = customer_to_date_revenue(con)
    frame["revenue_to_date"] = summary["customer_id"].map(to_date).fillna(0.0).to_numpy()
    grouped = frame.groupby("cohort_period", sort=True)
    sizes = grouped.size()
    sums = grouped[list(range(months_ahead))].sum()
    to_date_sum = grouped["revenue_to_date"].sum()
    rows = []
    for period, size in sizes.items():
        base = (last_period - period).n
        ltv = to_date_sum[period] / size
        for k in range(months_ahead):
            value = sums.loc[period, k] / size
            ltv += value
            rows.append((period.start_time.normalize(), base + k + 1, int(size), float(value), float(ltv), True))
    out = pd.DataFrame(rows, columns=columns)
    out["cohort"] = pd.to_datetime(out["cohort"])
    return out
