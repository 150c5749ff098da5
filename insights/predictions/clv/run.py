"""The whole CLV run — readiness, fit (or the stored fit for this data), scores, backtest — and its cache: scores
and fitted parameters are kept in the workspace through the one store of model outputs (:mod:`insights.core.scores`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Callable

import pandas as pd

from insights.core import scores as score_store
from insights.core.dates import as_date
from insights.core.workspace import Workspace
from insights.customers.next_order import next_orders_for_workspace
from insights.performance.kpis import data_currency
from insights.models.bgnbd import ModelFitError
from insights.models.readiness import Readiness
from insights.predictions.clv.applies import Applicability, check_data, check_fit
from insights.predictions.clv.backtesting import Backtest, backtest
from insights.predictions.clv.fit import ClvModels, fit_models
from insights.predictions.clv.groups import as_records, customer_groups, headline, value_by_group
from insights.predictions.clv.score import (DEFAULT_ANNUAL_DISCOUNT, DEFAULT_HORIZON_DAYS, SCORE_COLUMNS,
                                            score_customers)
from insights.predictions.clv.summary import (TIME_UNIT_DAYS, ClvDataError, customer_summary, history_bounds,
                                              readiness)

# columns of the per-customer history stored beside the scores (frequency counts repeat purchase days)
SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value", "p_nothing")


@dataclass
class ClvResult:
    readiness: Readiness
    models: ClvModels | None
    scores: pd.DataFrame | None          # SCORE_COLUMNS (+ frequency, recency, T, monetary_value)
    backtest: Backtest | None
    backtest_error: str | None
    horizon_days: int
    annual_discount_rate: float
    from_cache: bool = False
    applicability: Applicability | None = None
    by_group: pd.DataFrame | None = None     # value by where customers come from (:mod:`.groups`)
    by_group_headline: str | None = None

    @property
    def fitted(self) -> bool:
        return self.models is not None

    @property
    def applies(self) -> bool:
        """True when the model describes the shop and per-customer values are shown."""
        return self.applicability is not None and self.applicability.applies and self.scores is not None

    @property
    def reason(self) -> str:
        """Why the model does not apply (empty when it does)."""
        if self.applicability is None:
            return self.readiness.message() if not self.readiness.can_fit else " ".join(self.readiness.problems)
        return self.applicability.reason

    def top_customers(self, n: int = 20) -> pd.DataFrame:
        if self.scores is None:
            return pd.DataFrame(columns=SCORE_COLUMNS)
        return self.scores.sort_values(["clv", "customer_id"], ascending=[False, True]).head(n).reset_index(drop=True)


def cached_models(ws: Workspace, calibration_end, time_unit_days: float = TIME_UNIT_DAYS,
                  penalizer: float = 0.0) -> ClvModels | None:
    """The models stored in the workspace for this data and these settings, or None."""
    stored = score_store.run(ws, "clv")
    if stored is None or stored.data_version != score_store.data_version(ws):
        return None
    if stored.run_key != _fit_key(as_date(calibration_end), time_unit_days, penalizer):
        return None
    if not (stored.report or {}).get("models"):
        return None
    return ClvModels.from_json(json.dumps(stored.report["models"]))


def _fit_key(calibration_end: dt.date, time_unit_days: float, penalizer: float) -> str:
    return json.dumps([calibration_end.isoformat(), time_unit_days, penalizer])


def save_fit(ws: Workspace, models: ClvModels | None, scores_frame: pd.DataFrame | None, penalizer: float = 0.0,
             applicability: Applicability | None = None, extra: dict | None = None,
             calibration_end: dt.date | None = None, time_unit_days: float = TIME_UNIT_DAYS) -> None:
    """Store ``clv_scores`` (one row per customer) and the fitted parameters with the data's version, through
    the one store of model outputs (:mod:`insights.core.scores`). When the model does not apply, the table is
    stored empty (no customer gets a value) and the report says why (``applies``, ``reason``, ``numbers``)."""
    if scores_frame is None:
        scores_frame = pd.DataFrame({c: pd.Series(dtype=float) for c in SCORE_COLUMNS})
        scores_frame["customer_id"] = pd.Series(dtype=str)
        scores_frame["next_order_expected_at"] = pd.Series(dtype="datetime64[s]")
    frame = pd.DataFrame({
        "customer_id": scores_frame["customer_id"].astype(str).to_numpy(),
        **{c: scores_frame[c].astype(float).to_numpy() for c in SCORE_COLUMNS
           if c not in ("customer_id", "next_order_expected_at")},
        "next_order_expected_at": pd.to_datetime(scores_frame["next_order_expected_at"]).dt.date.to_numpy(),
    })[SCORE_COLUMNS]
    for column in SUMMARY_COLUMNS:      # the history each value came from: a stored run is read back whole
        if column in scores_frame.columns:
            frame[column] = scores_frame[column].astype(float).to_numpy()
    verdict = applicability.as_dict() if applicability is not None else {"applies": True, "reason": ""}
    end = models.calibration_end if models is not None else as_date(calibration_end)
    unit = models.time_unit_days if models is not None else time_unit_days
    score_store.write(ws, "clv", frame, params={"penalizer": penalizer},
                      report={"calibration_end": end.isoformat(),
                              "models": json.loads(models.to_json()) if models is not None else None,
                              **verdict, **(extra or {})},
                      run_key=_fit_key(end, unit, penalizer))


def load_scores(ws_or_con) -> pd.DataFrame | None:
    """The ``clv_scores`` table written by the latest fit, or None if no fit has been saved."""
    return score_store.load(ws_or_con, "clv")


def stored_value_by_group(ws: Workspace) -> tuple[pd.DataFrame | None, str | None]:
    """(value by group, its headline sentence) stored with the current CLV run — for readers such as the insight
    feed; (None, None) when the run is stale or absent, or the model does not apply."""
    report = score_store.report(ws, "clv")
    if not report or not report.get("applies") or report.get("by_group") is None:
        return None, None
    return pd.DataFrame(report["by_group"]), report.get("by_group_headline")


def current_scores(ws: Workspace) -> pd.DataFrame | None:
    """``clv_scores`` if the stored fit was made on the workspace's current data, else None (stale or absent)."""
    return score_store.current(ws, "clv")


def stored_result(ws: Workspace, ready: Readiness | None, calibration_end: dt.date, horizon_days: int,
                  annual_discount_rate: float, time_unit_days: float = TIME_UNIT_DAYS,
                  penalizer: float = 0.0) -> ClvResult | None:
    """The stored run read back whole — fit, every customer's scores, value by group — when it was made on the
    workspace's current data with these settings and the model applies; None otherwise (then fit or re-score).
    Nothing is fitted or simulated: this is what a page opened a second time, or after the background fit, reads.
    ``ready``: the data's readiness, else the one stored with the run."""
    stored = score_store.run(ws, "clv")
    if stored is None or stored.data_version != score_store.data_version(ws):
        return None
    report = stored.report or {}
    if (stored.run_key != _fit_key(calibration_end, time_unit_days, penalizer) or not report.get("applies")
            or not report.get("models") or report.get("horizon_days") != horizon_days
            or report.get("annual_discount_rate") != annual_discount_rate):
        return None
    scores = score_store.load(ws, "clv")
    if scores is None or not set(SUMMARY_COLUMNS) <= set(scores.columns):
        return None
    scores = scores[["customer_id", *SUMMARY_COLUMNS[:4], *SCORE_COLUMNS[1:-1], "p_nothing",
                     "next_order_expected_at"]].copy()
    scores["customer_id"] = scores["customer_id"].astype(str)
    scores["frequency"] = scores["frequency"].astype("int64")
    scores["next_order_expected_at"] = pd.to_datetime(scores["next_order_expected_at"]).astype("datetime64[s]")
    models = ClvModels.from_json(json.dumps(report["models"]))
    verdict = Applicability(True, report.get("reason") or "", report.get("numbers") or {},
                            report.get("model") == "MBG/NBD", report.get("instead") or "")
    by_group = pd.DataFrame(report["by_group"]) if report.get("by_group") is not None else None
    if ready is None:
        if not report.get("readiness"):
            return None
        ready = Readiness(**report["readiness"])
    return ClvResult(ready, models, scores, None, None, horizon_days, annual_discount_rate, True, verdict,
                     by_group, report.get("by_group_headline"))


def run_clv(ws: Workspace, calibration_end=None, horizon_days: int = DEFAULT_HORIZON_DAYS,
            annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT, time_unit_days: float = TIME_UNIT_DAYS,
            penalizer: float = 0.0, with_backtest: bool = True, save: bool = True,
            progress: Callable[[float, str], None] | None = None) -> ClvResult:
    """Readiness check, fit (or reuse the stored fit for this data), per-customer scores, and a backtest.

    ``calibration_end`` defaults to the last purchase day (the models learn from the whole history); the
    scores look ``horizon_days`` ahead of it. Model failures come back as sentences, never as exceptions:
    ``result.readiness`` and ``result.models``/``result.backtest_error`` say what happened.
    """
    step = progress or (lambda frac, text: None)
    step(0.05, "Checking the data")
    first, last, _ = history_bounds(ws)
    end = as_date(calibration_end) if calibration_end is not None else last
    stored = stored_result(ws, None, end, horizon_days, annual_discount_rate, time_unit_days, penalizer)
    ready = stored.readiness if stored is not None else readiness(ws, end)
    if not ready.can_fit:
        return ClvResult(ready, None, None, None, None, horizon_days, annual_discount_rate)
    if stored is not None:
        if with_backtest:
            step(0.7, "Backtesting on the held-out last part of the history")
            stored.backtest, stored.backtest_error = _backtest(ws, calibration_end, end, last, time_unit_days,
                                                               penalizer)
        step(1.0, "Done")
        return stored
    summary = customer_summary(ws, end, time_unit_days=time_unit_days)
    verdict = check_data(summary)
    if not verdict.applies:
        if save:                          # no customer keeps a value from older data
            save_fit(ws, None, None, penalizer, verdict, calibration_end=end, time_unit_days=time_unit_days)
        return ClvResult(ready, None, None, None, None, horizon_days, annual_discount_rate, applicability=verdict)
    models = cached_models(ws, end, time_unit_days, penalizer)
    if models is not None and bool(getattr(models.bgnbd, "modified", False)) != verdict.modified:
        models = None                     # stored before the variant was chosen by the share of one-time buyers
    from_cache = models is not None
    if models is None:
        step(0.2, f"Fitting the models on {len(summary):,} customers")
        try:
            models = fit_models(summary, end, time_unit_days, penalizer, modified=verdict.modified)
        except ModelFitError as exc:
            failed = Readiness(ready.status, ready.customers, ready.repeat_buyers, ready.history_days,
                               ready.problems + [str(exc)], ready.can_show)
            return ClvResult(failed, None, None, None, str(exc), horizon_days, annual_discount_rate)
    verdict = check_fit(summary, models)
    if not verdict.applies:
        if save:
            save_fit(ws, models, None, penalizer, verdict)
        return ClvResult(ready, models, None, None, None, horizon_days, annual_discount_rate, from_cache, verdict)
    step(0.5, "Scoring every customer")
    scores = score_customers(models, summary, horizon_days, annual_discount_rate)
    due = next_orders_for_workspace(ws, pd.Timestamp(end) + pd.Timedelta(days=1))
    expected = pd.to_datetime(due.set_index(due["customer_id"].astype(str))["next_order_expected_at"])
    scores["next_order_expected_at"] = scores["customer_id"].astype(str).map(expected).astype("datetime64[s]")
    by_group = value_by_group(scores, customer_groups(ws))
    sentence = headline(by_group, data_currency(ws.con))
    if save:
        save_fit(ws, models, scores, penalizer, verdict,
                 extra={"by_group": as_records(by_group), "by_group_headline": sentence,
                        "horizon_days": horizon_days, "annual_discount_rate": annual_discount_rate,
                        "readiness": asdict(ready)})
    bt, bt_error = None, None
    if with_backtest:
        step(0.7, "Backtesting on the held-out last part of the history")
        bt, bt_error = _backtest(ws, calibration_end, end, last, time_unit_days, penalizer)
    step(1.0, "Done")
    return ClvResult(ready, models, scores, bt, bt_error, horizon_days, annual_discount_rate, from_cache, verdict,
                     by_group, sentence)


def _backtest(ws: Workspace, calibration_end, end: dt.date, last: dt.date, time_unit_days: float,
              penalizer: float) -> tuple[Backtest | None, str | None]:
    """(the backtest, None), or (None, why it could not be run)."""
    try:
        explicit = calibration_end is not None and end < last
        return backtest(ws, time_unit_days=time_unit_days, penalizer=penalizer,
                        calibration_end=end if explicit else None), None
    except (ClvDataError, ModelFitError) as exc:
        return None, str(exc)
