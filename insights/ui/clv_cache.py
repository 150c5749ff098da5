"""Per-session memo of the customer-value results (keyed on the workspace's content hash; never a shared cache).

The fitted parameters are also stored in the workspace itself (``model_runs``, see insights.core.scores), so a reopened workspace reuses
them without refitting; this memo only saves re-scoring and re-backtesting within one browser session.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from insights.predictions import clv
from insights.predictions.clv.next_orders import export_next_orders, next_orders as next_orders_table
from insights.models.readiness import Readiness
from insights.predictions.clv.score import DEFAULT_ANNUAL_DISCOUNT, DEFAULT_HORIZON_DAYS
from insights.ui import session


def readiness(ws) -> Readiness:
    return session.memo("clv.readiness", clv.readiness, ws)


def result(ws, horizon_days: int, annual_discount_rate: float,
           progress: Callable[[float, str], None] | None = None) -> clv.ClvResult:
    """Fit (or reuse the stored fit) and score every customer; the backtest is memoised separately."""
    def compute(ws, horizon_days, annual_discount_rate):
        # only the default settings are stored: the segment and profile pages read one definition of value
        defaults = (horizon_days, annual_discount_rate) == (DEFAULT_HORIZON_DAYS, DEFAULT_ANNUAL_DISCOUNT)
        return clv.run_clv(ws, horizon_days=horizon_days, annual_discount_rate=annual_discount_rate,
                           with_backtest=False, progress=progress, save=defaults)
    return session.memo("clv.result", compute, ws, int(horizon_days), float(annual_discount_rate))


def backtest(ws) -> tuple[clv.Backtest | None, str | None]:
    """(backtest, None) or (None, a plain reason it could not be run)."""
    def compute(ws):
        try:
            return clv.backtest(ws), None
        except (clv.ClvDataError, clv.ModelFitError) as exc:
            return None, str(exc)
    return session.memo("clv.backtest", compute, ws)


def next_orders(ws, result: clv.ClvResult) -> pd.DataFrame:
    """Every customer's expected next order, ranked by CLV (:func:`insights.predictions.clv.next_orders.next_orders`)."""
    def compute(ws, horizon_days, annual_discount_rate):
        as_of = pd.Timestamp(result.models.calibration_end) + pd.Timedelta(days=1)
        return next_orders_table(ws, result.scores, as_of)
    return session.memo("clv.next_orders", compute, ws, result.horizon_days, result.annual_discount_rate)


def next_orders_file(ws, result: clv.ClvResult) -> tuple[bytes, int, int, int, int]:
    """The overdue customers' CSV, consent and the suppression list honoured: (bytes, written, left out for
    consent, without address, suppressed)."""
    table = next_orders(ws, result)
    return export_next_orders(ws, table[table["status"] == "overdue"], "csv")
