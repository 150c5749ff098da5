"""Churn scores kept in the workspace through the one store of model outputs (:mod:`insights.core.scores`):
``churn_scores`` with the run's report and settings, read back only while the data is unchanged.

:func:`churn_result` is what pages and the command line call: the stored run read back whole (no fit) while it is
current and was made with the same settings, else a fit that is stored."""

from __future__ import annotations


import pandas as pd

from insights.core import scores as score_store
from insights.core.db import query_df
from insights.core.jsonable import to_jsonable
from insights.predictions.churn.definition import ChurnDefinition
from insights.predictions.churn.fit import fit_churn
from insights.predictions.churn.result import ChurnResult


SCORE_COLUMNS = ("customer_id", "churn_probability", "p_alive", "value_at_risk", "reasons", "next_order_expected_at",
                 "overdue_days", "expected_value", "top_reason", "action", "segment", "channel", "country")
# the watchlist's other columns, stored so that a stored run reads back whole; who the customer is and how to
# reach them (name, e-mail, consent) is not copied into the scores: it is joined from the customers mart on reading
HISTORY_COLUMNS = ("recency_days", "orders", "last_nps", "last_delivery_late_days")
CONTACT_COLUMNS = ("name", "email", "consent_email")
WATCHLIST_ORDER = ("customer_id", "churn_probability", "p_alive", "reasons", "reason_keys", "top_reason",
                   "next_order_expected_at", "overdue_days", "recency_days", "orders", "last_nps",
                   "last_delivery_late_days", "expected_value", "value_at_risk", "name", "email", "consent_email",
                   "channel", "country", "segment", "action")


def write_churn_scores(ws, result: ChurnResult, params: dict | None = None) -> None:
    """Store ``churn_scores`` (one row per scored customer; reasons joined by '; ', keys by ';') with the run's
    report and settings, through the one store of model outputs (:mod:`insights.core.scores`)."""
    s = result.scores
    table = pd.DataFrame({c: s[c] for c in SCORE_COLUMNS if c in s.columns})
    table["reason_keys"] = s["reason_keys"]
    for column in HISTORY_COLUMNS:
        if column in s.columns:
            table[column] = s[column]
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
    write_churn_scores(ws, result, _settings(percentile, window_days, kind, random_state, with_bgnbd))
    return result




def _settings(percentile: float, window_days: int | None, kind: str, random_state: int,
              with_bgnbd: bool = True) -> dict:
    settings = {"percentile": percentile, "window_days": window_days, "kind": kind, "random_state": random_state}
    return settings if with_bgnbd else dict(settings, with_bgnbd=False)


def stored_result(ws, percentile: float = 0.9, window_days: int | None = None, kind: str = "logistic",
                  random_state: int = 0, with_bgnbd: bool = True) -> ChurnResult | None:
    """The stored run read back whole (scores with each customer's contact details joined from the customers
    mart, definition, quality, drivers) when it was made on the current data with these settings; else None.
    Nothing is fitted. The fitted model object itself is not stored (``model`` is None)."""
    stored = score_store.run(ws, "churn")
    if (stored is None or stored.data_version != score_store.data_version(ws) or stored.report is None
            or stored.report.get("not_fitted")
            or stored.params != _settings(percentile, window_days, kind, random_state, with_bgnbd)):
        return None
    scores = score_store.load(ws, "churn")
    if scores is None or not set(HISTORY_COLUMNS) <= set(scores.columns):
        return None
    contacts = query_df(ws.con, "queries/predictions/churn/customer_context.sql")[["customer_id", *CONTACT_COLUMNS]]
    scores = scores.merge(contacts.astype({"customer_id": str}), on="customer_id", how="left")
    scores = scores[[c for c in WATCHLIST_ORDER if c in scores.columns]].reset_index(drop=True)
    scores["next_order_expected_at"] = pd.to_datetime(scores["next_order_expected_at"]).dt.date
    report = stored.report
    d = report["definition"]
    definition = ChurnDefinition(d["kind"], _timestamp(d["as_of"]), d["window_days"], d["percentile"],
                                 _timestamp(d["cutoff"]), d.get("gap_percentiles") or {}, d.get("label_source"))
    return ChurnResult(definition, report["metrics"], pd.DataFrame(report["calibration"]), scores,
                       report["importance"], report["value_basis"], report["notes"], None, report["applies"],
                       report["reason"], report["detail"], report["ranked_by"], report["drivers"])


def churn_result(ws, percentile: float = 0.9, window_days: int | None = None, kind: str = "logistic",
                 random_state: int = 0, progress=None, with_bgnbd: bool = True, save: bool = True) -> ChurnResult:
    """The stored run when it is current for these settings (see :func:`stored_result`), else a new fit —
    stored when ``save`` (a page trying other settings passes False, so the stored run that other pages read
    keeps the default definition)."""
    found = stored_result(ws, percentile, window_days, kind, random_state, with_bgnbd)
    if found is not None:
        return found
    if save:
        return score_workspace(ws, percentile, window_days, kind, random_state, progress, with_bgnbd)
    return fit_churn(ws, percentile=percentile, window_days=window_days, kind=kind, random_state=random_state,
                     progress=progress, with_bgnbd=with_bgnbd)


def _timestamp(text: str | None) -> pd.Timestamp | None:
    return None if text is None else pd.Timestamp(text)
