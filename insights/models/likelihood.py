"""Maximum likelihood for BG/NBD, MBG/NBD and Gamma-Gamma: vectorised log-likelihoods with analytic gradients.

Each model's negative log-likelihood is the weighted mean over distinct customer histories (``weights`` counts the
customers holding each one) plus lifetimes' L2 penalty ``coef × Σ θ²``, written as a function of the
log-parameters with its exact gradient, and minimised by scipy's L-BFGS-B inside ``LOG_PARAM_BOUNDS``. The
objective is the one ``lifetimes`` minimises (its ``_negative_log_likelihood``: the same optimum, checked in
tests/models); what differs is the cost of an evaluation:

- the terms that depend only on the number of repeat purchases x (the Gamma functions: lnΓ(r + x), B(a, b + x),
  lnΓ(p x + q) …) are computed once per *distinct* x and multiplied by the weight of the customers holding it, so
  an evaluation costs a few logs and exps per distinct history and no special functions per customer;
- the gradient is the closed-form derivative (digamma where lnΓ stands), not automatic differentiation.

Times are scaled so that the oldest customer's age is 1 (as lifetimes does; the penalty and the start point
(log-parameters 0.1) are then lifetimes' too), and spend is scaled by its mean (Gamma-Gamma's γ is a money
amount: without it a currency with large numbers would push log γ past any fixed bound).

The covariance of the log-parameters is the inverse of the Hessian of the mean objective at the optimum over the
number of customers; the Hessian is taken by forward differences of the analytic gradient.

On a large shop the search starts from the optimum on a weighted sample of customers (:func:`_fit`).

Formulas: BG/NBD, Fader, Hardie & Lee (2005), eq. 6 (and Hardie's note 004); MBG/NBD, Batislam, Denizel &
Filiztekin (2007); Gamma-Gamma, Fader & Hardie's note 025, eq. 1a.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

LOG_PARAM_BOUNDS = (-12.0, 12.0)   # e^±12: the range of each (scaled) log-parameter the optimiser searches
EDGE = 0.05                        # a log-parameter this close to a bound is "on the edge" (a flat ridge)
START = 0.1                        # lifetimes' start point for every log-parameter
HESSIAN_STEP = 1e-4                # central-difference step on the log-parameters
NEWTON_TOLERANCE = 1e-7          # a Newton step this small on every log-parameter ends the search
WARM_START_CUSTOMERS = 20_000     # a large shop's fit starts from the optimum on a sample of this many customers
GRADIENT_TOLERANCE = 1e-5          # a fit L-BFGS-B stops on for a line-search reason is kept below this


class FitFailure(RuntimeError):
    """The optimiser found no usable optimum (non-finite likelihood, or stopped far from a stationary point)."""


@dataclass
class Optimum:
    """What a fit found: parameters in the data's own units, the mean objective at the optimum, the covariance of
    the log-parameters (None when the Hessian cannot be inverted), whether a log-parameter sits on the edge of
    the searched range, and the number of objective evaluations."""

    params: np.ndarray
    objective: float
    log_covariance: np.ndarray | None
    on_edge: bool
    evaluations: int


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    """Σ u·v in this thread (BLAS's dot spreads over threads, which costs more than it saves on a busy machine)."""
    return float(np.einsum("i,i->", u, v))


def _softplus(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log(1 + e^d), its derivative 1 / (1 + e^−d)), without overflow; cheaper than np.logaddexp."""
    e = np.exp(-np.abs(d))
    return np.maximum(d, 0.0) + np.log1p(e), np.where(d >= 0, 1.0, e) / (1.0 + e)


class _Levels:
    """Distinct values of a column and the total weight of each."""

    def __init__(self, values: np.ndarray, weights: np.ndarray):
        self.values, index = np.unique(values, return_inverse=True)
        self.weights = np.bincount(index, weights=weights, minlength=len(self.values))


def _by_x(x: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values of x, each row's index into them, and the total weight of each."""
    levels, inverse = np.unique(x, return_inverse=True)
    return levels, inverse, np.bincount(inverse, weights=weights, minlength=len(levels))


class BgnbdLikelihood:
    """Mean negative log-likelihood of BG/NBD (``modified=False``) or MBG/NBD (``modified=True``) and its gradient
    on the log-parameters (log r, log α, log a, log b), over distinct rows (x, t_x, T) with ``weights``.

    Times are used as given (the caller scales them). BG/NBD, per customer (FHL 2005, eq. 6):
    ``A1 + A2 + log(e^A3 + [x > 0] e^A4)`` with A1 = lnΓ(r + x) − lnΓ(r) + r ln α, A2 = ln B(a, b + x) − ln B(a, b),
    A3 = −(r + x) ln(α + T), A4 = ln a − ln(b + x − 1) − (r + x) ln(α + t_x).
    MBG/NBD: ``A1 + A2' + A3 + log(1 + e^A4')`` with A2' = ln B(a, b + x + 1) − ln B(a, b),
    A4' = ln a − ln(b + x) + (r + x)(ln(α + T) − ln(α + t_x)).
    """

    size = 4

    def __init__(self, x, t_x, T, weights, penalizer: float = 0.0, modified: bool = False):
        x, t_x, T, w = (np.asarray(v, dtype=float) for v in (x, t_x, T, weights))
        self.modified = bool(modified)
        self.penalizer = float(penalizer)
        self.total = float(w.sum())
        self.levels, _, self.level_weight = _by_x(x, w)
        s = 1.0 if self.modified else 0.0
        self.shift = s
        # per-row quantities gathered from their distinct values: x has tens of values, T and t_x hundreds
        if not self.modified:                            # BG/NBD: a one-time buyer depends on T only
            repeat = x > 0
            self.lone = _Levels(T[~repeat], w[~repeat])
            x, t_x, T, w = x[repeat], t_x[repeat], T[repeat], w[repeat]
        self.x, self.w = x, w
        self.x_level = np.searchsorted(self.levels, x)
        self.T_levels, self.T_index = np.unique(T, return_inverse=True)
        self.t_levels, self.t_index = np.unique(t_x, return_inverse=True)
        self.evaluations = 0

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        self.evaluations += 1
        r, alpha, a, b = params = np.exp(log_params)
        s = self.shift
        xs, W = self.levels, self.level_weight
        # terms that depend on x only: once per distinct x, weighted
        per_x = (gammaln(r + xs) - gammaln(r) + r * np.log(alpha)
                 + gammaln(a + b) + gammaln(b + xs + s) - gammaln(b) - gammaln(a + b + xs + s))
        d_ab = digamma(a + b) - digamma(a + b + xs + s)
        total = W @ per_x
        grad = np.array([W @ (digamma(r + xs) - digamma(r) + np.log(alpha)),
                         self.total * r / alpha,
                         W @ d_ab,
                         W @ (d_ab + digamma(b + xs + s) - digamma(b))])
        x, w = self.x, self.w
        rx = r + x
        log_T = np.log(alpha + self.T_levels)[self.T_index]
        log_t = np.log(alpha + self.t_levels)[self.t_index]
        inv_T = (1.0 / (alpha + self.T_levels))[self.T_index]
        inv_t = (1.0 / (alpha + self.t_levels))[self.t_index]
        if self.modified:
            inv_b_levels = 1.0 / (b + xs)
            inv_b = inv_b_levels[self.x_level]
            a4 = np.log(a * inv_b_levels)[self.x_level] + rx * (log_T - log_t)
            softplus, share = _softplus(a4)
            ws = w * share                               # w × d softplus / d A4
            total += _dot(w, softplus - rx * log_T)
            grad += np.array([_dot(ws, log_T - log_t) - _dot(w, log_T),
                              _dot(ws * rx, inv_T - inv_t) - _dot(w * rx, inv_T),
                              ws.sum() / a,
                              -_dot(ws, inv_b)])
        else:
            inv_b_levels = 1.0 / (b + xs - 1.0 + (xs == 0))
            inv_b = inv_b_levels[self.x_level]
            a3 = -rx * log_T
            softplus, share = _softplus(np.log(a * inv_b_levels)[self.x_level] - rx * log_t - a3)
            w4 = w * share                               # weight of the "dropped out after t_x" branch
            w3 = w - w4
            total += _dot(w, a3 + softplus)             # log(e^A3 + e^A4) = A3 + softplus(A4 − A3)
            grad += np.array([-_dot(w3, log_T) - _dot(w4, log_t),
                              -_dot(w3 * rx, inv_T) - _dot(w4 * rx, inv_t),
                              w4.sum() / a,
                              -_dot(w4, inv_b)])
            lone = self.lone
            log_T0 = np.log(alpha + lone.values)
            total += -r * _dot(lone.weights, log_T0)
            grad += np.array([-_dot(lone.weights, log_T0), -r * _dot(lone.weights, 1.0 / (alpha + lone.values)),
                              0.0, 0.0])
        value = -total / self.total + self.penalizer * float(params @ params)
        gradient = -grad * params / self.total + 2.0 * self.penalizer * params ** 2
        return float(value), gradient


class GammaGammaLikelihood:
    """Mean negative log-likelihood of Gamma-Gamma and its gradient on (log p, log q, log γ), over rows
    (x repeat purchases, m̄ their mean spend) with ``weights`` (note 025, eq. 1a, per customer):
    lnΓ(px + q) − lnΓ(px) − lnΓ(q) + q ln γ + (px − 1) ln m̄ + px ln x − (px + q) ln(x m̄ + γ)."""

    size = 3

    def __init__(self, x, m, weights, penalizer: float = 0.0):
        x, m, w = (np.asarray(v, dtype=float) for v in (x, m, weights))
        self.penalizer = float(penalizer)
        self.total = float(w.sum())
        self.levels, _, self.level_weight = _by_x(x, w)
        self.xm, self.w, self.wx = x * m, w, w * x
        self.sum_x_log = float(w @ (x * (np.log(m) + np.log(x))))     # Σ w x (ln m̄ + ln x)
        self.sum_log_m = float(w @ np.log(m))
        self.evaluations = 0

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        self.evaluations += 1
        p, q, g = params = np.exp(log_params)
        xs, W = self.levels, self.level_weight
        px = p * xs
        shifted = self.xm + g
        log_sum = np.log(shifted)                        # ln(x m̄ + γ) per row
        wx_log, w_log = _dot(self.wx, log_sum), _dot(self.w, log_sum)
        inverse = 1.0 / shifted
        wx_inv, w_inv = _dot(self.wx, inverse), _dot(self.w, inverse)
        total = (W @ (gammaln(px + q) - gammaln(px)) + self.total * (q * np.log(g) - gammaln(q))
                 + p * self.sum_x_log - self.sum_log_m - p * wx_log - q * w_log)
        psi_sum = digamma(px + q)
        grad = np.array([W @ (xs * (psi_sum - digamma(px))) + self.sum_x_log - wx_log,
                         W @ psi_sum - self.total * digamma(q) + self.total * np.log(g) - w_log,
                         self.total * q / g - p * wx_inv - q * w_inv])
        value = -total / self.total + self.penalizer * float(params @ params)
        gradient = -grad * params / self.total + 2.0 * self.penalizer * params ** 2
        return float(value), gradient


def hessian(objective, at: np.ndarray, gradient: np.ndarray, step: float = HESSIAN_STEP) -> np.ndarray:
    """Hessian of ``objective`` (value, gradient) at ``at`` by forward differences of its analytic gradient
    (``gradient`` is the one at ``at``), symmetrised."""
    k = len(at)
    out = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        out[i] = (objective(at + e)[1] - gradient) / step
    return (out + out.T) / 2.0


def minimise(objective, start: np.ndarray, bounds=LOG_PARAM_BOUNDS) -> tuple[np.ndarray, float, np.ndarray]:
    """L-BFGS-B on the log-parameters from ``start``: (optimum, mean objective, gradient there); raises
    :class:`FitFailure`."""
    with np.errstate(all="ignore"):
        found = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=[bounds] * len(start),
                         options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9, "maxcor": 20})
        value, gradient = objective(found.x)
    if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
        raise FitFailure("the likelihood is not finite at the end of the search")
    inside = (found.x > bounds[0] + 1e-9) & (found.x < bounds[1] - 1e-9)
    if not found.success and np.max(np.abs(gradient[inside]), initial=0.0) > GRADIENT_TOLERANCE:
        raise FitFailure(f"the optimiser stopped before the optimum ({found.message})")
    return found.x, float(value), gradient


def _newton(objective, start: np.ndarray, curvature: np.ndarray, bounds=LOG_PARAM_BOUNDS, steps: int = 12):
    """Newton steps on ``objective`` from ``start`` with a fixed ``curvature`` (the Hessian of the mean objective on
    a sample of the same customers: close to the whole shop's), halving a step that does not lower the objective.
    Raises :class:`FitFailure` where it cannot finish (an edge, no descent): the caller falls back on L-BFGS-B."""
    at = np.asarray(start, dtype=float)
    with np.errstate(all="ignore"):
        value, gradient = objective(at)
        for _ in range(steps):
            step = np.linalg.solve(curvature, gradient)
            if not np.all(np.isfinite(step)) or gradient @ step <= 0:
                raise FitFailure("the sample's curvature gives no descent here")
            if np.max(np.abs(step)) < NEWTON_TOLERANCE:
                return at, value, gradient
            size = 1.0
            while True:
                new = at - size * step
                if np.any(new <= bounds[0]) or np.any(new >= bounds[1]):
                    raise FitFailure("the search reaches the edge of its range")
                new_value, new_gradient = objective(new)
                if np.isfinite(new_value) and new_value <= value:
                    break
                size /= 2.0
                if size < 1e-3:
                    raise FitFailure("no step lowers the objective")
            at, value, gradient = new, new_value, new_gradient
    raise FitFailure("Newton steps did not settle")


def _fit(make_objective, columns: tuple, weights: np.ndarray, size: int) -> tuple:
    """Minimise ``make_objective(*columns, weights)``: by L-BFGS-B from lifetimes' start point on a small shop; on
    a large one first on a weighted sample of :data:`WARM_START_CUSTOMERS` customers (seeded), then by Newton steps
    on everybody from there with the sample's Hessian (:func:`_newton`; L-BFGS-B when they cannot finish) — the
    same optimum in a few evaluations on the whole shop instead of tens. (objective, optimum, value,
    log-covariance)."""
    weights = np.asarray(weights, dtype=float)
    start = np.full(size, START)
    if weights.sum() <= 2 * WARM_START_CUSTOMERS:
        objective = make_objective(*columns, weights)
        at, value, gradient = minimise(objective, start)
    else:
        drawn = np.random.default_rng(0).multinomial(WARM_START_CUSTOMERS, weights / weights.sum()).astype(float)
        keep = drawn > 0
        sample = make_objective(*(c[keep] for c in columns), drawn[keep])
        objective = make_objective(*columns, weights)
        try:
            start, _, sample_gradient = minimise(sample, start)
            at, value, gradient = _newton(objective, start, hessian(sample, start, sample_gradient))
        except (FitFailure, np.linalg.LinAlgError):
            at, value, gradient = minimise(objective, start)
    with np.errstate(all="ignore"):
        try:
            cov = np.linalg.inv(hessian(objective, at, gradient)) / objective.total
        except np.linalg.LinAlgError:
            cov = None
    if cov is not None and (not np.all(np.isfinite(cov)) or np.any(np.diag(cov) < 0)):
        cov = None
    return objective, at, value, cov


def fit_bgnbd(x, t_x, T, weights, penalizer: float = 0.0, modified: bool = False) -> Optimum:
    """Fit BG/NBD (or MBG/NBD) on distinct rows with weights; parameters (r, α, a, b) in the times' unit."""
    T = np.asarray(T, dtype=float)
    scale = 1.0 / float(T.max())
    columns = (np.asarray(x, dtype=float), np.asarray(t_x, dtype=float) * scale, T * scale)
    objective, at, value, cov = _fit(lambda *c: BgnbdLikelihood(*c, penalizer=penalizer, modified=modified),
                                     columns, weights, 4)
    params = np.exp(at)
    params[1] /= scale
    return Optimum(params, value, cov, _on_edge(at), objective.evaluations)


def fit_gamma_gamma(x, m, weights, penalizer: float = 0.0) -> Optimum:
    """Fit Gamma-Gamma on rows (x ≥ 1, m̄ > 0) with weights; parameters (p, q, γ), γ in the spend's unit."""
    m = np.asarray(m, dtype=float)
    scale = 1.0 / float(np.average(m, weights=weights))
    objective, at, value, cov = _fit(lambda *c: GammaGammaLikelihood(*c, penalizer=penalizer),
                                     (np.asarray(x, dtype=float), m * scale), weights, 3)
    params = np.exp(at)
    params[2] /= scale
    return Optimum(params, value, cov, _on_edge(at), objective.evaluations)


def _on_edge(at: np.ndarray) -> bool:
    return bool(np.any(np.abs(at) >= LOG_PARAM_BOUNDS[1] - EDGE))
