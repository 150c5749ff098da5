"""Always-valid (sequential) results for owners who look every day: the mixture sequential probability ratio
test (mSPRT) of Johari, Pekelis & Walsh (2017), as the big testing platforms use it.

For an estimate ``diff`` with variance ``v`` (normal approximation) and a normal mixing distribution N(0, τ²) over
the true difference, the likelihood ratio against "no difference" is

    Λ = sqrt(v / (v + τ²)) · exp(diff² τ² / (2 v (v + τ²)))

and 1/Λ is a p-value valid however often one looks (taken as a running minimum over looks); the always-valid
95% interval is diff ± sqrt(v (v + τ²) / τ² · (log((v + τ²) / v) + 2 log(1/α))). Everything is vectorised:
arrays of estimates and variances give arrays of p-values and half-widths.
"""

from __future__ import annotations

import numpy as np


def mixture_tau2(control_value: float, control_variance_per_unit: float) -> float:
    """The mixing variance: a difference of about 10% of the control's value (or a tenth of a unit's spread)."""
    tau2 = (0.1 * control_value) ** 2
    return float(tau2) if tau2 > 0 else float(max(control_variance_per_unit, 1e-12) * 0.01)


def always_valid_p(diff, variance, tau2):
    """1/Λ capped at 1 (arrays or scalars). Take the running minimum over looks for a sequence."""
    diff, variance = np.asarray(diff, dtype=float), np.asarray(variance, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_lr = 0.5 * np.log(variance / (variance + tau2)) + diff ** 2 * tau2 / (2 * variance * (variance + tau2))
        p = np.minimum(1.0, np.exp(-log_lr))
    return np.where(variance > 0, p, np.where(diff == 0, 1.0, 0.0))


def always_valid_half_width(variance, tau2, alpha: float = 0.05):
    """Half-width of the always-valid (1 − alpha) interval around the estimate."""
    variance = np.asarray(variance, dtype=float)
    return np.sqrt(variance * (variance + tau2) / tau2 * (np.log((variance + tau2) / variance)
                                                         + 2 * np.log(1 / alpha)))
