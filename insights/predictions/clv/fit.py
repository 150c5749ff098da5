"""Fitting the CLV models: BG/NBD on every customer, Gamma-Gamma on repeat customers with positive spend.

:class:`ClvModels` is the fitted pair and what it was fitted on (no customer data); it is stored as JSON with
the scores (:mod:`insights.predictions.clv.run`), so that a reopened workspace need not refit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insights.core.dates import as_date
from insights.models.bgnbd import BGNBD_PARAMS, GAMMA_GAMMA_PARAMS, BetaGeoModel, GammaGammaModel, ModelFitError
from insights.predictions.clv.applies import use_modified
from insights.predictions.clv.summary import TIME_UNIT_DAYS, customer_summary


@dataclass
class ClvModels:
    """A fitted pair of models and what they were fitted on (no customer data)."""

    bgnbd: BetaGeoModel
    gamma_gamma: GammaGammaModel | None
    calibration_end: dt.date
    time_unit_days: float
    customers_fitted: int
    repeat_customers_fitted: int
    mean_spend: float                    # mean spend of repeat purchase days (fallback if Gamma-Gamma failed)
    notes: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict:
        out = {k: self.bgnbd.params_[k] for k in BGNBD_PARAMS}
        out.update({k: (self.gamma_gamma.params_[k] if self.gamma_gamma else None) for k in GAMMA_GAMMA_PARAMS})
        return out

    def expected_spend(self, summary: pd.DataFrame) -> np.ndarray:
        """Expected spend per future purchase, per summary row: Gamma-Gamma's conditional mean, or the mean spend
        of repeat purchase days when the spend model could not be fitted."""
        if self.gamma_gamma is not None:
            return self.gamma_gamma.expected_spend(summary)
        return np.full(len(summary), self.mean_spend)

    def to_json(self) -> str:
        return json.dumps({"params": self.params, "calibration_end": self.calibration_end.isoformat(),
                           "time_unit_days": self.time_unit_days, "customers_fitted": self.customers_fitted,
                           "repeat_customers_fitted": self.repeat_customers_fitted, "mean_spend": self.mean_spend,
                           "notes": self.notes, "bgnbd_se": self.bgnbd.standard_errors_,
                           "gamma_gamma_se": self.gamma_gamma.standard_errors_ if self.gamma_gamma else None,
                           "modified": bool(getattr(self.bgnbd, "modified", False)),
                           "bgnbd_log_covariance": getattr(self.bgnbd, "log_covariance_", None),
                           "gamma_gamma_log_covariance": (getattr(self.gamma_gamma, "log_covariance_", None)
                                                          if self.gamma_gamma else None)})

    @classmethod
    def from_json(cls, text: str) -> "ClvModels":
        d = json.loads(text)
        bg = BetaGeoModel.from_params({k: d["params"][k] for k in BGNBD_PARAMS}, d.get("bgnbd_se"),
                                      d.get("bgnbd_log_covariance"), modified=bool(d.get("modified", False)))
        gg = None
        if d["params"].get("p") is not None:
            gg = GammaGammaModel.from_params({k: d["params"][k] for k in GAMMA_GAMMA_PARAMS}, d.get("gamma_gamma_se"),
                                             d.get("gamma_gamma_log_covariance"))
        return cls(bg, gg, as_date(d["calibration_end"]), float(d["time_unit_days"]), int(d["customers_fitted"]),
                   int(d["repeat_customers_fitted"]), float(d["mean_spend"]), list(d.get("notes", [])))


def fit_models(summary: pd.DataFrame, calibration_end, time_unit_days: float = TIME_UNIT_DAYS,
               penalizer: float = 0.0, modified: bool = False) -> ClvModels:
    """Fit BG/NBD (MBG/NBD with ``modified``) on every customer and Gamma-Gamma on repeat customers with positive
    spend.

    Raises :class:`ModelFitError` (plain message) when BG/NBD cannot be fitted. A Gamma-Gamma failure is
    not fatal: expected spend falls back to the mean spend of repeat purchase days, and ``notes`` says so.
    """
    bgnbd = BetaGeoModel(penalizer=penalizer, modified=modified).fit(summary)
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    notes: list[str] = []
    weights = repeat["frequency"].to_numpy(dtype=float)
    mean_spend = float(np.average(repeat["monetary_value"], weights=weights)) if len(repeat) else float("nan")
    gamma_gamma: GammaGammaModel | None
    try:
        gamma_gamma = GammaGammaModel(penalizer=penalizer).fit(summary)
    except ModelFitError as exc:
        gamma_gamma = None
        notes.append(f"{exc} Expected spend per order is the plain average of repeat purchases instead.")
    return ClvModels(bgnbd, gamma_gamma, as_date(calibration_end), float(time_unit_days), len(summary),
                     int((summary["frequency"] > 0).sum()), mean_spend, notes)


def probability_alive_as_of(ws_or_con, cutoff, time_unit_days: float = TIME_UNIT_DAYS,
                            penalizer: float = 0.001) -> pd.DataFrame:
    """P(alive) at ``cutoff`` from a BG/NBD model fitted on purchases up to ``cutoff`` only (no leakage).

    Out: customer_id, p_alive — one row per customer with a purchase day on or before ``cutoff``. Where one-time
    buyers are many (:func:`insights.predictions.clv.applies.use_modified`) the modified BG/NBD gives it, so that
    one-time buyers are not all alive with probability 1.
    Tries ``penalizer``, then no penalty, then 0.01; raises :class:`ModelFitError` when none converges.
    (Used as the churn page's baseline.)
    """
    summary = customer_summary(ws_or_con, calibration_end=cutoff, time_unit_days=time_unit_days)
    if summary.empty:
        return pd.DataFrame({"customer_id": pd.Series(dtype=str), "p_alive": pd.Series(dtype=float)})
    # a fit can fail with one penalty and converge with another (with lifetimes' BFGS: UCI Online Retail with 0.001
    # but not 0): a baseline should exist whenever some penalty gives one.
    error = None
    modified = use_modified(summary)
    for coef in dict.fromkeys((penalizer, 0.0, 0.01)):
        try:
            model = BetaGeoModel(penalizer=coef, modified=modified).fit(summary)
        except ModelFitError as exc:
            error = exc
            continue
        return pd.DataFrame({"customer_id": summary["customer_id"], "p_alive": model.p_alive(summary)})
    raise error
