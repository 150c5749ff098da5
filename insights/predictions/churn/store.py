"""Churn scores kept in the workspace through the one store of model outputs (:mod:`insights.core.scores`):
``churn_scores`` with the run's report and settings, read back only while the data is unchanged."""

from __future__ import annotations


import pandas as pd

from insights.core import scores as score_store
from insights.core.jsonable import to_jsonable
from insights.predictions.churn.fit import fit_churn
from insights.predictions.churn.result import ChurnResult


SCORE_COLUMNS = ("customer_id", "churn_probability", "p_alive", "value_at_risk", "reasons", "next_order_expected_at",
                 "overdue_days", "expected_value", "top_reason", "action", "segment", "channel", "country")


def write_churn_scores(ws, result: ChurnResult, params: dict | None = None) -> None:
    """Store ``churn_scores`` (one row per scored customer; reasons joined by '; ', keys by ';') with the run's
    report and settings, through the one store of model outputs (:mod:`insights.core.scores`)."""
    s = result.scores
    table = pd.DataFrame({c: s[c] for c in SCORE_COLUMNS if c in s.columns})
    table["reason_keys"] = s["reason_keys"]
    table["next_order_expected_at"] = pd.to_datetime(table["next_order_expected_at"])
    score_store.write(ws, "churn", table, params=params, report=to_jsonable(result.report()))


def load_churn_scores(ws) -> pd.DataFrame | None:
    """``churn_scores`` if it was computed from the workspace's current data, else None (stale or absent)."""
    return score_store.current(ws, "churn")


def score_workspace(ws, percentile: float = 0.9, window_days: int | None = None, kind: str = "logistic",
                    random_state: int = 0, progress=None, with_bgnbd: bool = True) -> ChurnResult:
    """Fit, score and write ``churn_scores`` into the workspace. Returns the result."""
    result = fit_churn(ws, percentile=percentile, window_days=window_days, kind=kind,
                       random_state=random_state, progress=progress, with_bgnbd=with_bgnbd)
    write_churn_scores(ws, result, {"percentile": percentile, "window_days": window_days, "kind": kind,
                                    "random_state": random_state})
    return result


