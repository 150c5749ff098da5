"""Fit the models every page reads (customer value, churn) after an upload, and store them with the data they
were fitted on — the second stage of a load, run in the background by the app and right after the report by the
``ingest`` command.

Each model is fitted with its default settings (the ones the pages open with) only when its stored run is not
current; the data version is read when a fit starts and stored with it (:func:`insights.core.scores.fitted_on`), so
a fit that overlapped a new upload is stored as stale and fitted again on the next pass. Readers never see a
stale result: :func:`insights.core.scores.current` compares versions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from insights.core import scores as score_store
from insights.models.churn_model import ChurnInputError
from insights.predictions.churn.definition import ChurnDataError
from insights.predictions.churn.store import churn_result, stored_result as stored_churn
from insights.predictions.clv.applies import Applicability
from insights.predictions.clv.run import run_clv, save_fit, stored_result as stored_clv
from insights.predictions.clv.score import DEFAULT_ANNUAL_DISCOUNT, DEFAULT_HORIZON_DAYS
from insights.predictions.clv.summary import history_bounds

Progress = Callable[[float, str], None]
MODELS = ("clv", "churn")
LABELS = {"clv": "customer value", "churn": "churn risk"}
MAX_PASSES = 3          # uploads arriving during a fit: fit again, at most this often in one call
CHURN_DEFAULTS = {"percentile": 0.9, "window_days": None, "kind": "logistic", "random_state": 0}
CHURN_COLUMNS = {"customer_id": str, "churn_probability": float, "p_alive": float, "value_at_risk": float,
                 "reasons": str, "reason_keys": str, "expected_value": float}


@dataclass
class Outcome:
    """What :func:`refresh_models` did per model: ``fitted``, ``current`` (stored run reused), ``not enough
    data`` (with the reason in ``notes``) — and how long it took."""
    status: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {m: {"status": self.status[m], "note": self.notes.get(m), "seconds": self.seconds.get(m)}
                for m in self.status}

    def sentence(self) -> str:
        parts = []
        for model, status in self.status.items():
            label = LABELS[model].capitalize()
            if status == "fitted":
                parts.append(f"{label}: fitted in {self.seconds[model]:.1f} s and stored.")
            elif status == "current":
                parts.append(f"{label}: the stored fit is current.")
            else:
                parts.append(f"{label}: not fitted — {self.notes.get(model) or status}")
        return " ".join(parts)


def is_current(ws, model: str) -> bool:
    """True when ``model``'s stored run was made on the current data with the default settings (what the pages
    read) — or says, for this data, that the model could not be fitted; False when absent, stale or made with
    other settings."""
    stored = score_store.run(ws, model)
    if stored is None or stored.data_version != score_store.data_version(ws):
        return False
    report = stored.report or {}
    if report.get("not_fitted"):
        return True
    if model == "churn":
        return stored.params == CHURN_DEFAULTS and stored_churn(ws) is not None
    if not report.get("applies"):
        return True                      # "does not describe your shop", decided on this data
    _, last, _ = history_bounds(ws)
    return stored_clv(ws, None, last, DEFAULT_HORIZON_DAYS, DEFAULT_ANNUAL_DISCOUNT) is not None


def stale_models(ws, models=MODELS) -> list[str]:
    """Those of ``models`` whose stored run the pages cannot read as it is (absent, stale, or other settings)."""
    return [m for m in MODELS if m in models and not is_current(ws, m)]


def refresh_models(ws, progress: Progress | None = None, models=MODELS) -> Outcome:
    """Fit and store each of ``models`` whose stored run is not current (default settings). Failures to fit
    (too little data) are outcomes, not exceptions. Returns what was done."""
    step = progress or (lambda fraction, text: None)
    outcome = Outcome()
    if not ws.has_orders():
        return outcome
    todo = [m for m in models if m in MODELS]
    for _ in range(MAX_PASSES):
        stale = [m for m in todo if not is_current(ws, m)]
        for model in todo:
            outcome.status.setdefault(model, "current")
        if not stale:
            break
        for n, model in enumerate(stale):
            share = 1.0 / len(stale)

            def sub(fraction: float, text: str, n=n, share=share, model=model) -> None:
                step(min((n + fraction) * share, 1.0), f"{LABELS[model].capitalize()}: {text}")

            started = time.perf_counter()
            with score_store.fitted_on(score_store.data_version(ws)):
                status, note = _fit(ws, model, sub)
            outcome.status[model] = status
            outcome.seconds[model] = round(time.perf_counter() - started, 2)
            if note:
                outcome.notes[model] = note
    step(1.0, "Done")
    return outcome


def _fit(ws, model: str, progress: Progress) -> tuple[str, str | None]:
    """Fit one model with its default settings and store it; when it cannot be fitted, store that (an empty
    table and the reason), so the pages know this data was tried and do not start again."""
    if model == "clv":
        result = run_clv(ws, with_backtest=False, progress=progress)
        if result.applicability is not None:
            return "fitted", None if result.applies else result.reason
        _, last, _ = history_bounds(ws)
        save_fit(ws, None, None, applicability=Applicability(False, result.reason), calibration_end=last,
                 extra={"not_fitted": True})
        return "not enough data", result.reason
    try:
        churn_result(ws, progress=progress, **{k: v for k, v in CHURN_DEFAULTS.items()})
    except (ChurnDataError, ChurnInputError) as exc:
        empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in CHURN_COLUMNS.items()})
        score_store.write(ws, "churn", empty, params=CHURN_DEFAULTS,
                          report={"not_fitted": True, "applies": False, "reason": str(exc)})
        return "not enough data", str(exc)
    return "fitted", None
