"""80 % predictive intervals of each customer's value over the horizon, by simulation from the fitted models.

The interval covers both what the models do not know about the shop (**parameter uncertainty**) and the
customer's own luck (**purchase and spend randomness**). Method, per customer with history (x, t_x, T) and mean
repeat spend m̄:

1. Parameter draws: ``draws`` sets of BG/NBD (r, α, a, b) and Gamma-Gamma (p, q, γ) parameters from a normal
   distribution on the log-parameters around the fit, with the covariance of the fit (inverse Hessian of the
   likelihood, ``log_covariance_``; the standard errors alone when it is missing).
2. Alive or not: the customer is alive at the calibration end with probability P̄(alive), the mean of P(alive)
   over the parameter draws (BG/NBD's closed form, or MBG/NBD's for that variant).
3. Purchases if alive: given that a customer is alive, BG/NBD's posterior of their purchase rate is
   λ ~ Gamma(r + x, α + T) and of their dropout probability p ~ Beta(a, b + x) (b + x + 1 for MBG/NBD) — neither
   depends on t_x. In the horizon t they make N = min(K, G) purchases, K ~ Poisson(λ t) and G ~ Geometric(p) (the
   purchase after which they drop out). One draw of (λ, p, K, G) per parameter draw.
4. Spend: Gamma-Gamma's posterior of the customer's spend rate is ν ~ Gamma(q + p x, γ + x m̄), so N purchases
   cost Gamma(p N, 1) × (γ + x m̄) / Gamma(q + p x, 1) in total (a customer without a usable repeat spend has
   x = 0 here). Without a spend model, N × the mean repeat spend.
5. Money: the total is discounted with the customer's effective discount factor (discounted ÷ undiscounted
   expected purchases of the point CLV) — purchase timing inside the horizon is not simulated.

Steps 3–4 are simulated once per distinct (x, T) row (the alive part does not depend on t_x; T grouped on a log
scale 1 % wide, each group simulated at its mean T — T only enters through α + T), with the spend
scale written as (γ̂ + x m̄) × Y; the draw's γ enters Y through the row's mean m̄ (exact for one-time buyers and
for customers at their row's mean spend). Each customer's value is then 0 with probability
π₀ = (1 − P̄) + P̄ × P(N = 0 | alive), and otherwise their scale × Y. The interval is the 10th to the 90th
percentile; where π₀ ≥ 10 % its lower end is 0 and it runs to the 80th percentile (so that it still holds 80 %
of the probability: the mass at 0 is inside it). Correlation between a parameter draw's P(alive) and its
purchases is not kept (the two parts are mixed independently); checked by its coverage on simulated shops.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from insights.models.bgnbd import BGNBD_PARAMS, GAMMA_GAMMA_PARAMS, LOG_PARAM_BOUNDS, probability_alive, unique_rows

DEFAULT_DRAWS = 200            # parameter draws = simulated futures per distinct (x, T) row
ALIVE_DRAWS = 20               # parameter draws averaged for P̄(alive) (a mean: converges fast)
MAX_CELLS = 1_500_000          # rows × draws simulated at most; more distinct rows get fewer draws (≥ 60)
T_RESOLUTION = 0.01            # T is grouped on a log scale 1 % wide (at least a day) for the simulation


def parameter_draws(params: dict, names, log_covariance, standard_errors: dict | None, draws: int,
                    rng: np.random.Generator) -> np.ndarray:
    """``draws`` × len(names) parameter sets from a normal on the log-parameters (the fit's covariance)."""
    centre = np.log([params[k] for k in names])
    cov = np.zeros((len(names), len(names)))
    if log_covariance is not None and np.all(np.isfinite(log_covariance)):
        cov = np.asarray(log_covariance, dtype=float)
    elif standard_errors:
        se = np.array([standard_errors.get(k, np.nan) / params[k] for k in names], dtype=float)
        cov = np.diag(np.where(np.isfinite(se), se, 0.0) ** 2)
    # centre + z·Lᵀ with z standard normal: the same random stream whatever the covariance (paired comparisons)
    values, vectors = np.linalg.eigh((cov + cov.T) / 2.0)
    root = vectors * np.sqrt(np.maximum(values, 0.0))
    z = np.clip(rng.standard_normal((draws, len(names))), -4.0, 4.0)     # no far tail of a flat likelihood
    return np.exp(np.clip(centre + z @ root.T, *LOG_PARAM_BOUNDS))


def _simulate_alive_values(x, T, xm, horizon, bg, gg, gamma_hat, modified, rng) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct (x, T, spend) row: sorted draws of Y (value ÷ the customer's spend scale, if alive) and
    P(N = 0 | alive). ``x`` is the repeat purchases, ``xm`` the row's mean of x × m̄ (0 without spend)."""
    rows, draws = len(x), len(bg)
    r, alpha, a, b = (bg[:, i][None, :] for i in range(4))
    xx, TT = x[:, None], T[:, None]
    lam = rng.gamma(r + xx, 1.0) / (alpha + TT)
    drop = np.clip(rng.beta(a, b + xx + (1.0 if modified else 0.0)), 1e-12, 1.0)
    n = np.minimum(rng.poisson(np.minimum(lam * horizon, 1e7)), rng.geometric(drop)).astype(float)
    if gg is None:
        y = n
    else:
        p, q, g = (gg[:, i][None, :] for i in range(3))
        known = (xm > 0)[:, None]
        x_spend = np.where(known, xx, 0.0)
        total = rng.gamma(np.maximum(p * n, 1e-300)) / rng.gamma(q + p * x_spend)
        scale = (g + xm[:, None]) / (gamma_hat + xm[:, None])
        y = np.where(n > 0, total * scale, 0.0)
    nothing = (n == 0).mean(axis=1)
    y.sort(axis=1)
    return y, nothing


def predictive_interval(models, summary: pd.DataFrame, horizon_units: float, effective_discount: np.ndarray,
                        interval: float = 0.8, draws: int = DEFAULT_DRAWS,
                        random_state: int | None = 0, histories=None) -> pd.DataFrame:
    """Per summary row: ``clv_low``, ``clv_high`` (the interval of the discounted value over ``horizon_units``
    time units) and ``p_nothing`` (the chance of no purchase at all in the horizon). See the module docstring.

    ``models`` is a :class:`insights.predictions.clv.fit.ClvModels`; ``effective_discount`` one factor per row;
    ``histories`` the summary's distinct (frequency, recency, T) rows and each row's index into them, when the
    caller has them already (:func:`insights.models.bgnbd.unique_rows`' first two results).
    """
    rng = np.random.default_rng(random_state)
    bgnbd, gamma_gamma = models.bgnbd, models.gamma_gamma
    modified = bool(getattr(bgnbd, "modified", False))
    x = summary["frequency"].to_numpy(dtype=float)
    t_x = summary["recency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    m = pd.to_numeric(summary["monetary_value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    known = (x > 0) & np.isfinite(m) & (m > 0)
    xm = np.where(known, x * np.where(known, m, 0.0), 0.0)

    # P̄(alive): mean over parameter draws, on the distinct (x, t_x, T) rows
    alive_uniq, alive_inverse = histories if histories is not None else unique_rows(x, t_x, T)[:2]
    bg_few = parameter_draws(bgnbd.params_, BGNBD_PARAMS, getattr(bgnbd, "log_covariance_", None),
                             bgnbd.standard_errors_, ALIVE_DRAWS, rng)
    p_bar = np.zeros(len(alive_uniq))
    for row in bg_few:
        p_bar += probability_alive(dict(zip(BGNBD_PARAMS, row)), alive_uniq[:, 0], alive_uniq[:, 1],
                                   alive_uniq[:, 2], modified=modified)
    p_bar = (p_bar / len(bg_few))[alive_inverse]

    # the alive part, simulated per distinct (x, T, has spend) row
    t_group = np.round(np.log1p(T * models.time_unit_days) / T_RESOLUTION)
    uniq, inverse, counts = unique_rows(x, t_group, known)
    row_xm = np.bincount(inverse, weights=xm) / counts
    row_T = np.bincount(inverse, weights=T) / counts
    draws = int(max(60, min(draws, MAX_CELLS // max(len(uniq), 1))))
    bg = parameter_draws(bgnbd.params_, BGNBD_PARAMS, getattr(bgnbd, "log_covariance_", None),
                         bgnbd.standard_errors_, draws, rng)
    gg, gamma_hat = None, 1.0
    if gamma_gamma is not None:
        gg = parameter_draws(gamma_gamma.params_, GAMMA_GAMMA_PARAMS, getattr(gamma_gamma, "log_covariance_", None),
                             gamma_gamma.standard_errors_, draws, rng)
        gamma_hat = gamma_gamma.params_["gamma"]
    y_sorted, nothing_alive = _simulate_alive_values(uniq[:, 0], row_T, row_xm, float(horizon_units), bg, gg,
                                                     gamma_hat, modified, rng)
    scale = (gamma_hat + xm) if gamma_gamma is not None else np.full(len(x), models.mean_spend)
    scale = scale * np.asarray(effective_discount, dtype=float)

    p_nothing = (1.0 - p_bar) + p_bar * nothing_alive[inverse]
    tail = (1.0 - interval) / 2.0

    def quantile(level: np.ndarray) -> np.ndarray:
        within_alive = (level - (1.0 - p_bar)) / np.maximum(p_bar, 1e-12)
        idx = np.clip(np.ceil(within_alive * draws).astype(np.int64) - 1, 0, draws - 1)
        value = y_sorted[inverse, idx] * scale
        return np.where(level <= p_nothing, 0.0, value)

    atom = p_nothing >= tail
    low = np.where(atom, 0.0, quantile(np.full(len(x), tail)))
    high = quantile(np.where(atom, interval, 1.0 - tail))
    return pd.DataFrame({"clv_low": low, "clv_high": high, "p_nothing": p_nothing})
