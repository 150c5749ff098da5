"""Per-session memo of the customer-value results (keyed on the workspace's content hash; never a shared cache).

The fitted parameters are also stored in the workspace itself (``model_runs``, see insights.core.scores), so a reopened workspace reuses
them without refitting; this memo only saves re-scoring and re-backtesting within one browser session.
"""

from __future__ import annotations

from typing import Callable

from insights.predictions import clv
from insights.models.readiness import Readiness
from insights.ui import session


def readiness(ws) -> Readiness:
    return session.memo("clv.readiness", clv.readiness, ws)


def result(ws, horizon_days: int, annual_discount_rate: float,
           progress: Callable[[float, str], None] | None = None) -> clv.ClvResult:
    """Fit (or reuse the stored fit) and score every customer; the backtest is memoised separately."""
    def compute(ws, horizon_days, annual_discount_rate):
        return clv.run_clv(ws, horizon_days=horizon_days, annual_discount_rate=annual_discount_rate,
                           with_backtest=False, progress=progress)
    return session.memo("clv.result", compute, ws, int(horizon_days), float(annual_discount_rate))


def backtest(ws) -> tuple[clv.Backtest | None, str | None]:
    """(backtest, None) or (None, a plain reason it could not be run)."""
    def compute(ws):
        try:
            return clv.backtest(ws), None
        except (clv.ClvDataError, clv.ModelFitError) as exc:
            return None, str(exc)
    return session.memo("clv.backtest", compute, ws)
