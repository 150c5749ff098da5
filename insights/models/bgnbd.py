"""BG/NBD (repeat purchases) and Gamma-Gamma (spend per order): fitted by our own likelihoods, checked against
``lifetimes``.

Both classes follow scikit-learn conventions: ``__init__`` stores keyword arguments only; ``fit(summary)``
validates, learns, sets ``params_`` (and ``standard_errors_``, ``customers_fitted_``, ``log_likelihood_``)
and returns ``self``; prediction methods raise :class:`NotFittedError` before a fit. A fitted model keeps
no copy of the customer data, only its parameters.

Input (the *customer summary*, see :func:`insights.predictions.clv.summary.customer_summary`): a DataFrame, one row per
customer, with

- ``frequency`` — number of **repeat** purchase days (purchases on the same day count as one; the first
  purchase day is excluded, so a one-time buyer has frequency 0);
- ``recency`` — time from the first to the last purchase day (0 for one-time buyers);
- ``T`` — time from the first purchase day to the end of the calibration period (customer's "age");
- ``monetary_value`` (Gamma-Gamma only) — mean spend of the repeat purchase days.

Times are in one unit (Clueboard uses weeks); the fitted ``alpha`` is in that unit.

The fit (:mod:`insights.models.likelihood`) minimises the objective ``lifetimes`` minimises — the mean negative
log-likelihood plus its L2 penalty, on log-parameters, times scaled to the oldest customer's age — with a
vectorised likelihood, its analytic gradient and L-BFGS-B (Newton steps from a sample's optimum on a large shop);
fit and scores take about a quarter of the CPU time of lifetimes' path at 100k customers (bench/models_clv.py).
tests/models checks the optimum and the standard errors against lifetimes' own.

- Speed: identical (frequency, recency, T) rows are fitted once with ``weights`` (the likelihood is a sum
  over customers, so this is exact); predictions are computed on the unique rows and broadcast back.
- Each log-parameter is kept in ``LOG_PARAM_BOUNDS``. A free search can run one of them towards −∞ (a → 0:
  "nobody ever drops out", as on UCI Online Retail); the bounded one stops on the edge and ``bounded_fit_``
  says so (the CLV page then says the model does not describe the shop).
- Failures raise :class:`ModelFitError` with a plain message; non-finite or absurd parameters (e.g. Gamma-Gamma
  ``q <= 1``, where the mean spend does not exist) are failures too.

The prediction formulas (conditional expected purchases, P(alive), expected spend) are the published
closed forms (Fader, Hardie & Lee 2005, eq. 10; Fader & Hardie's notes 021 and on the Gamma-Gamma model),
written with numpy/scipy so they are vectorised and independent of the fitting library; the BG/NBD ones live
in :mod:`insights.models.bgnbd_formulas`.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy.special import hyp2f1

from insights.core.validation import validate_frame
from insights.models.bgnbd_formulas import (BGNBD_PARAMS, bgnbd_log_likelihood, conditional_expected_purchases,
                                            expected_purchases_by_time, probability_alive, unique_rows)
from insights.models.likelihood import LOG_PARAM_BOUNDS, FitFailure, Optimum, fit_bgnbd, fit_gamma_gamma

log = logging.getLogger(__name__)

__all__ = ["BGNBD_PARAMS", "GAMMA_GAMMA_PARAMS", "LOG_PARAM_BOUNDS", "BetaGeoModel", "GammaGammaModel", "ModelFitError",
           "NotFittedError", "SummaryError", "bgnbd_log_likelihood", "conditional_expected_purchases",
           "expected_purchases_by_time",
           "probability_alive", "unique_rows", "validate_summary"]

GAMMA_GAMMA_PARAMS = ("p", "q", "gamma")


class ModelFitError(RuntimeError):
    """The model could not be fitted to this data; the message says why in plain words."""


class NotFittedError(RuntimeError):
    """A prediction was asked of a model that has not been fitted."""


class SummaryError(ValueError):
    """The customer summary handed to a model is not usable; the message names the column and the count."""


def validate_summary(summary: pd.DataFrame, columns=("frequency", "recency", "T"), name: str = "summary") -> None:
    """One validator for model input: the named columns exist, are numeric, finite, and consistent.

    Checks: no missing or infinite values; frequency is a whole number ≥ 0; 0 ≤ recency ≤ T;
    recency is 0 when frequency is 0; monetary_value (when asked for) > 0.
    """
    if isinstance(summary, pd.DataFrame) and len(summary) == 0:
        raise SummaryError(f"{name} has no customers to fit")
    validate_frame(summary, numeric=columns, finite=columns, non_negative=columns, name=name, error=SummaryError)
    if "frequency" in columns:
        f = summary["frequency"].to_numpy(dtype=float)
        frac = int((f != np.round(f)).sum())
        if frac:
            raise SummaryError(f"column frequency of {name} has {frac} non-whole values (it counts purchase days)")
    if {"recency", "T"} <= set(columns):
        r, t = summary["recency"].to_numpy(dtype=float), summary["T"].to_numpy(dtype=float)
        over = int((r > t + 1e-9).sum())
        if over:
            raise SummaryError(f"{name} has {over} customers whose recency exceeds T (last purchase after the "
                               "end of the calibration period)")
        if "frequency" in columns:
            lone = int(((summary["frequency"].to_numpy() == 0) & (r > 0)).sum())
            if lone:
                raise SummaryError(f"{name} has {lone} one-time buyers (frequency 0) with recency above 0")
    if "monetary_value" in columns:
        m = summary["monetary_value"].to_numpy(dtype=float)
        if (m <= 0).any():
            raise SummaryError(f"column monetary_value of {name} has {int((m <= 0).sum())} values ≤ 0; "
                               "Gamma-Gamma needs customers with positive spend")


def _fitted(what: str, fit, *args, **kwargs) -> Optimum:
    """Run one of :mod:`insights.models.likelihood`'s fits; its failures become a plain :class:`ModelFitError`."""
    try:
        return fit(*args, **kwargs)
    except FitFailure as exc:
        log.info("%s did not converge: %s", what, exc)
        raise ModelFitError(f"The {what} did not settle on stable values for this data (the optimiser did not "
                            "converge). This happens with very few repeat buyers or very uneven histories; "
                            "more history usually fixes it.") from exc
    except (ValueError, np.linalg.LinAlgError, FloatingPointError, OverflowError) as exc:
        raise ModelFitError(f"The {what} could not be fitted to this data ({exc}).") from exc


def _standard_errors(names, params: np.ndarray, cov: np.ndarray | None) -> dict:
    """Delta-method standard errors of the parameters (θ × the log-parameter's), NaN without a covariance."""
    if cov is None:
        return {k: float("nan") for k in names}
    return {k: float(v * np.sqrt(c)) for k, v, c in zip(names, params, np.diag(cov))}


class _Fitted:
    params_: dict

    def _check_fitted(self) -> None:
        if getattr(self, "params_", None) is None:
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit(summary) first")

    @classmethod
    def from_params(cls, params: dict, standard_errors: dict | None = None, log_covariance_=None, **kwargs):
        """A fitted model from stored parameters (e.g. a fit cached in the workspace), without refitting."""
        model = cls(**kwargs)
        missing = [k for k in cls._param_names if k not in params]
        if missing:
            raise ValueError(f"{cls.__name__} parameters lack {missing}")
        model.params_ = {k: float(params[k]) for k in cls._param_names}
        model.standard_errors_ = dict(standard_errors or {})
        model.log_covariance_ = log_covariance_
        return model

    def get_params(self) -> dict:
        return {k: getattr(self, k) for k in self._init_args}

    def __repr__(self) -> str:
        fitted = getattr(self, "params_", None)
        inner = ", ".join(f"{k}={v:.4g}" for k, v in fitted.items()) if fitted else "unfitted"
        return f"{type(self).__name__}({inner})"


class BetaGeoModel(_Fitted):
    """BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005).

    While alive, a customer buys by a Poisson process with rate λ ~ Gamma(r, α); after each purchase they
    drop out with probability p ~ Beta(a, b). ``params_`` = ``{"r", "alpha", "a", "b"}`` (α in the summary's
    time unit).

    ``penalizer`` adds an L2 penalty on the parameters (lifetimes' ``penalizer_coef``): 0 reproduces the
    published estimates; a small value (0.001–0.01) steadies fits on small or odd data.

    ``modified=True`` fits the modified BG/NBD (MBG/NBD, Batislam et al. 2007; lifetimes'
    ``ModifiedBetaGeoFitter``): the dropout coin is also tossed right after the first purchase, so a one-time
    buyer is not alive with probability 1 (BG/NBD's known property). Same parameters, same predictions API.

    ``log_covariance_`` (4 × 4, or None) is the covariance of the log-parameters from the inverse Hessian of
    the likelihood at the optimum; the CLV intervals draw parameters from it.
    """

    _init_args = ("penalizer", "modified")
    _param_names = BGNBD_PARAMS

    def __init__(self, *, penalizer: float = 0.0, modified: bool = False):
        self.penalizer = penalizer
        self.modified = modified

    def fit(self, summary: pd.DataFrame) -> "BetaGeoModel":
        """Fit on a summary with columns frequency, recency, T (one row per customer). Returns self."""
        validate_summary(summary, ("frequency", "recency", "T"))
        if int((summary["frequency"] > 0).sum()) == 0:
            raise ModelFitError("No customer bought more than once, so there is nothing to learn about repeat "
                                "purchases yet.")
        uniq, _, counts = unique_rows(summary["frequency"], summary["recency"], summary["T"])
        what = "repeat-purchase model (MBG/NBD)" if self.modified else "repeat-purchase model (BG/NBD)"
        found = _fitted(what, fit_bgnbd, uniq[:, 0], uniq[:, 1], uniq[:, 2], counts, self.penalizer, self.modified)
        params = dict(zip(BGNBD_PARAMS, map(float, found.params)))
        if not all(np.isfinite(v) and v > 0 for v in params.values()) or params["alpha"] > 1e8:
            raise ModelFitError("The repeat-purchase model (BG/NBD) ended on unusable values "
                                f"({', '.join(f'{k}={v:.3g}' for k, v in params.items())}); the data may be "
                                "too short or too regular for it.")
        self.bounded_fit_ = found.on_edge
        self.standard_errors_ = _standard_errors(BGNBD_PARAMS, found.params, found.log_covariance)
        self.log_covariance_ = None if found.log_covariance is None else found.log_covariance.tolist()
        self.log_likelihood_ = -found.objective * float(counts.sum())     # in scaled time, penalty included
        self.customers_fitted_ = int(counts.sum())
        self.unique_rows_fitted_ = int(len(uniq))
        self.params_ = params
        return self

    def predict_purchases(self, summary: pd.DataFrame, t: float | np.ndarray) -> np.ndarray:
        """Expected repeat purchases in the next ``t`` time units, per customer (eq. 10 of FHL 2005).

        ``t`` is a scalar or an array broadcastable to the customers (e.g. shape ``(n, k)`` for k horizons
        is not supported; call once per horizon or use :meth:`cumulative_purchases`).
        """
        self._check_fitted()
        x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        if np.ndim(t) == 0:
            return expected_purchases_by_time(self.params_, x, t_x, T, [float(t)], modified=self.modified)[:, 0]
        return conditional_expected_purchases(self.params_, x, t_x, T, t, modified=self.modified)

    def cumulative_purchases(self, summary: pd.DataFrame, times) -> np.ndarray:
        """Expected repeat purchases by each of ``times`` (1-D), per customer: array of shape (n, len(times))."""
        self._check_fitted()
        times = np.asarray(times, dtype=float)
        x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        return expected_purchases_by_time(self.params_, x, t_x, T, times, modified=self.modified)

    def p_alive(self, summary: pd.DataFrame) -> np.ndarray:
        """Probability each customer is still 'alive' (will buy again) at the end of calibration."""
        self._check_fitted()
        x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        return probability_alive(self.params_, x, t_x, T, modified=self.modified)

    def expected_purchases_new_customer(self, t) -> np.ndarray:
        """Expected repeat purchases by time ``t`` after a first purchase, for a random new customer (eq. 9;
        BG/NBD's form, also used for the modified variant)."""
        self._check_fitted()
        r, alpha, a, b = (self.params_[k] for k in BGNBD_PARAMS)
        t = np.asarray(t, dtype=float)
        with np.errstate(all="ignore"):
            hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t))
            out = (a + b - 1) / (a - 1) * (1 - hyp * (alpha / (alpha + t)) ** r)
        return np.where(t <= 0, 0.0, out)


class GammaGammaModel(_Fitted):
    """Gamma-Gamma model of spend per purchase (Fader & Hardie's note; Colombo & Jiang 1999).

    A customer's purchase amounts are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; ``params_`` =
    ``{"p", "q", "gamma"}``. Fitted on **repeat customers with positive spend** only: ``frequency`` ≥ 1 and
    ``monetary_value`` (mean spend of their repeat purchase days) > 0. Rows outside that are dropped.
    Assumes spend is independent of purchase frequency.
    """

    _init_args = ("penalizer",)
    _param_names = GAMMA_GAMMA_PARAMS

    def __init__(self, *, penalizer: float = 0.0):
        self.penalizer = penalizer

    def fit(self, summary: pd.DataFrame) -> "GammaGammaModel":
        """Fit on a summary with columns frequency, monetary_value. Returns self."""
        if "monetary_value" not in summary.columns or "frequency" not in summary.columns:
            raise SummaryError("summary lacks column(s) frequency/monetary_value needed for the spend model")
        usable = summary.loc[(summary["frequency"] > 0) & (summary["monetary_value"] > 0),
                             ["frequency", "monetary_value"]]
        if len(usable) < 2:
            raise ModelFitError("Fewer than two customers have repeat purchases with positive spend, so the "
                                "spend model has nothing to learn from.")
        validate_summary(usable, ("frequency", "monetary_value"))
        uniq, _, counts = unique_rows(usable["frequency"], usable["monetary_value"])
        found = _fitted("spend model (Gamma-Gamma)", fit_gamma_gamma, uniq[:, 0], uniq[:, 1], counts,
                        self.penalizer)
        params = dict(zip(GAMMA_GAMMA_PARAMS, map(float, found.params)))
        if not all(np.isfinite(v) and v > 0 for v in params.values()):
            raise ModelFitError("The spend model (Gamma-Gamma) ended on unusable values.")
        if params["q"] <= 1:
            raise ModelFitError(f"The spend model (Gamma-Gamma) found q = {params['q']:.2f} ≤ 1: spend varies so "
                                "wildly between customers that an average order value cannot be estimated. "
                                "A few extreme orders (wholesale, test orders) often cause this.")
        self.standard_errors_ = _standard_errors(GAMMA_GAMMA_PARAMS, found.params, found.log_covariance)
        self.log_covariance_ = None if found.log_covariance is None else found.log_covariance.tolist()
        self.customers_fitted_ = int(counts.sum())
        self.params_ = params
        return self

    def population_mean_spend(self) -> float:
        """Expected spend per purchase of a customer we know nothing about: p·γ / (q − 1)."""
        self._check_fitted()
        p, q, g = (self.params_[k] for k in GAMMA_GAMMA_PARAMS)
        return p * g / (q - 1)

    def expected_spend(self, summary: pd.DataFrame) -> np.ndarray:
        """Expected spend per future purchase, per customer: (p(γ + x·m̄)) / (p·x + q − 1).

        Customers without a repeat purchase with positive spend (frequency 0, or monetary_value missing or
        ≤ 0) get the population mean.
        """
        self._check_fitted()
        p, q, g = (self.params_[k] for k in GAMMA_GAMMA_PARAMS)
        x = summary["frequency"].to_numpy(dtype=float)
        m = pd.to_numeric(summary["monetary_value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        known = (x > 0) & np.isfinite(m) & (m > 0)
        x = np.where(known, x, 0.0)
        m = np.where(known, m, 0.0)
        return (p * (g + x * m)) / (p * x + q - 1)
