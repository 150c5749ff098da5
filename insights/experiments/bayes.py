"""The Bayesian reading of a comparison, for the analysts' expander: the chance that the variant beats the control,
and the expected loss of each choice — how much is given up, on average over what the data leaves possible, by
shipping the variant when it is in fact worse, or by keeping the control when the variant is in fact better.

- Yes/no outcomes (a plain rate): Beta-Binomial with a uniform Beta(1, 1) prior on each rate; the posterior of
  each variant is Beta(1 + buyers, 1 + non-buyers); the chance and the losses are averages over
  :data:`DRAWS` joint draws with a fixed seed (the same answer on every run).
- Means (counts, money) and adjusted outcomes: the normal approximation with a flat prior, D ~ N(diff, var(diff)):
  P(D > 0) = Φ(d/s); loss of shipping = E[max(−D, 0)] = s φ(d/s) − d Φ(−d/s); of keeping = s φ(d/s) + d Φ(d/s).

With these priors a difference significant at 5% two-sided has a chance of being better above 97.5% (or below
2.5%), so the two readings agree on anything but a borderline case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

DRAWS = 200_000
SEED = 20240521


@dataclass(frozen=True)
class BayesView:
    metric: str
    variant: str
    chance_better: float        # P(variant > control)
    loss_if_shipped: float      # expected shortfall of the variant, in the metric's unit (rate or money)
    loss_if_kept: float         # expected gain forgone by keeping the control
    method: str

    def to_dict(self) -> dict:
        return {"metric": self.metric, "variant": self.variant, "chance_better": self.chance_better,
                "loss_if_shipped": self.loss_if_shipped, "loss_if_kept": self.loss_if_kept, "method": self.method}


def _beta(c) -> BayesView:
    x_c = int(round(c.control_value * c.control_units))
    x_v = int(round(c.variant_value * c.variant_units))
    rng = np.random.default_rng(SEED)
    control = rng.beta(1 + x_c, 1 + c.control_units - x_c, DRAWS)
    treated = rng.beta(1 + x_v, 1 + c.variant_units - x_v, DRAWS)
    gap = treated - control
    return BayesView(c.metric, c.variant, float((gap > 0).mean()), float(np.maximum(-gap, 0).mean()),
                     float(np.maximum(gap, 0).mean()),
                     f"Beta-Binomial, uniform Beta(1, 1) priors, {DRAWS:,} posterior draws")


def _normal(c) -> BayesView:
    d, s = c.diff, math.sqrt(max(c.variance, 0.0))
    if s == 0:
        return BayesView(c.metric, c.variant, float(d > 0) if d else 0.5, max(-d, 0.0), max(d, 0.0),
                         "no spread: the difference is exact")
    z = d / s
    density = float(stats.norm.pdf(z))
    return BayesView(c.metric, c.variant, float(stats.norm.cdf(z)),
                     s * density - d * float(stats.norm.cdf(-z)), s * density + d * float(stats.norm.cdf(z)),
                     "normal approximation of the difference, flat prior")


def bayes_view(c) -> BayesView:
    """The Bayesian reading of one :class:`insights.experiments.comparisons.Comparison`: Beta-Binomial for a plain
    yes/no rate, the normal approximation otherwise (means, and rates adjusted for the pre-period)."""
    if c.kind == "rate" and "adjusted" not in c.method:
        return _beta(c)
    return _normal(c)
