"""The manager's KPI targets, kept in the workspace's ``kpi_targets`` table, and whether a value meets one."""

from __future__ import annotations

import pandas as pd

from insights.core.db import query_df, sql_text, table_exists
from insights.core.workspace import connection
from insights.performance.kpis.periods import check_period, checked_date
from insights.performance.kpis.table import KPI_DEFINITIONS, LOWER_IS_BETTER

ALL_PERIODS = "*"


def set_target(ws, kpi: str, target: float | None, period: str = "month", period_start_day=None) -> None:
    """Store the manager's target for ``kpi`` (for one period, or every period of the grain when
    ``period_start_day`` is None). ``target=None`` removes it. Saved in the workspace's ``kpi_targets`` table
    without touching the data version, so cached figures stay valid."""
    if kpi not in KPI_DEFINITIONS:
        raise ValueError(f"unknown KPI {kpi!r}; expected one of {sorted(KPI_DEFINITIONS)}")
    check_period(period)
    key = ALL_PERIODS if period_start_day is None else checked_date(period_start_day, "period start").isoformat()
    con = connection(ws)
    con.execute(sql_text("queries/performance/kpis/targets_table.sql"))
    con.execute(sql_text("queries/performance/kpis/target_delete.sql"), [period, key, kpi])
    if target is not None:
        value = float(target)
        if value != value:
            raise ValueError(f"target for {kpi} is not a number")
        con.execute(sql_text("queries/performance/kpis/target_insert.sql"), [period, key, kpi, value])


def targets(ws, period: str = "month") -> pd.DataFrame:
    """The stored targets of one grain: columns kpi, period_key ('*' = every period), target."""
    con = connection(ws)
    if not table_exists(con, "kpi_targets"):
        return pd.DataFrame(columns=["kpi", "period_key", "target"])
    return query_df(con, "queries/performance/kpis/targets.sql", {"grain": period})


def target_for(stored: pd.DataFrame, kpi: str, start) -> float | None:
    """The target that applies to ``kpi`` in the period starting ``start``: its own, else the standing one."""
    rows = stored[stored["kpi"] == kpi]
    if rows.empty:
        return None
    key = checked_date(start, "period start").isoformat() if start is not None else ALL_PERIODS
    own = rows[rows["period_key"] == key]
    if not own.empty:
        return float(own["target"].iloc[0])
    standing = rows[rows["period_key"] == ALL_PERIODS]
    return float(standing["target"].iloc[0]) if not standing.empty else None


def target_status(kpi: str, value, target) -> str | None:
    """'met', 'missed', or None when there is no target or no value."""
    if target is None or value is None or pd.isna(value):
        return None
    if kpi in LOWER_IS_BETTER:
        return "met" if value <= target else "missed"
    return "met" if value >= target else "missed"
