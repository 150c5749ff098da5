"""Each KPI of one period against the previous period, the same period last year and its target."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.workspace import connection
from insights.performance.kpis.periods import WEEK_ORIGIN, check_period, checked_date, period_start, shift_period
from insights.performance.kpis.table import KPI_DEFINITIONS, LOWER_IS_BETTER, kpi_frame
from insights.performance.kpis.targets import target_for, target_status, targets


def compare_periods(ws, period: str, current, with_targets: bool = True,
                    table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each KPI in the ``current`` period against the previous period and the same period last year.

    ``current`` is any day inside the period (week/month/quarter), or a ``(start, end)`` pair of inclusive
    dates for ``period='custom'`` (previous = the same number of days just before; last year = the same
    dates a year earlier).

    Out: one row per KPI key with label, unit, current, previous, change, change_pct, last_year,
    yoy_change, yoy_pct, target, status ('met' / 'missed' / None), lower_is_better. With
    ``with_targets=False`` target and status are left empty (see :func:`apply_targets`): a page can then
    cache the comparison while targets change. ``table``: the unfiltered :func:`kpi_table` of this period
    length when the caller has it already (saves computing it twice; ignored for custom ranges).
    """
    check_period(period)
    con = connection(ws)
    if period == "custom":
        start, end = (checked_date(v, "custom range") for v in current)
        days = (end - start).days + 1
        frame = kpi_frame(con, "custom", start, days)
        cur = frame[frame["bucket"] == 0]
        prev = frame[frame["bucket"] == -1]
        ly_start = _minus_year(start)
        ly_frame = kpi_frame(con, "custom", ly_start, days)
        last_year = ly_frame[ly_frame["bucket"] == 0]
        current_start = start
    else:
        current_start = period_start(current, period)
        frame = table if table is not None else kpi_frame(con, period, WEEK_ORIGIN, 1)
        by_start = frame.set_index("period")
        cur = by_start.loc[[current_start]] if current_start in by_start.index else frame.iloc[0:0]
        prev_start = shift_period(current_start, period, -1)
        prev = by_start.loc[[prev_start]] if prev_start in by_start.index else frame.iloc[0:0]
        ly_start = shift_period(current_start, period, {"week": -52, "month": -12, "quarter": -4}[period])
        last_year = by_start.loc[[ly_start]] if ly_start in by_start.index else frame.iloc[0:0]
    rows = []
    for key, (label, unit, _definition) in KPI_DEFINITIONS.items():
        value = _value(cur, key)
        before = _value(prev, key)
        ly = _value(last_year, key)
        rows.append(dict(
            kpi=key, label=label, unit=unit, current=value, previous=before,
            change=_diff(value, before), change_pct=_pct(value, before),
            last_year=ly, yoy_change=_diff(value, ly), yoy_pct=_pct(value, ly),
            target=None, status=None, lower_is_better=key in LOWER_IS_BETTER))
    out = pd.DataFrame(rows)
    out.attrs["period_start"] = current_start.isoformat()
    return apply_targets(con, out, period, current_start) if with_targets else out


def apply_targets(ws, comparison: pd.DataFrame, period: str, current_start) -> pd.DataFrame:
    """Fill ``target`` and ``status`` of a :func:`compare_periods` frame from the stored targets."""
    stored = targets(connection(ws), period)
    out = comparison.copy()
    out["target"] = [target_for(stored, k, current_start) for k in out["kpi"]]
    out["status"] = [target_status(k, v, t) for k, v, t in zip(out["kpi"], out["current"], out["target"])]
    return out


def _minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _value(frame: pd.DataFrame, key: str):
    if frame.empty or key not in frame:
        return None
    value = frame[key].iloc[0]
    return None if pd.isna(value) else float(value)


def _diff(a, b):
    return None if a is None or b is None else a - b


def _pct(a, b):
    return None if a is None or b is None or b == 0 else (a - b) / abs(b)
