"""Peeking: 1,000 A/A tests each looked at 20 times. A naive test at every look finds a 'winner' far more often
than 5%; the always-valid (mixture SPRT) p-value stays at or under 5%."""

import numpy as np

from insights.experiments.sequential import always_valid_half_width, always_valid_p, mixture_tau2

TESTS, LOOKS, PER_LOOK, RATE = 1000, 20, 250, 0.10


def test_repeated_looks_naive_vs_sequential():
    rng = np.random.default_rng(21)
    conversions = rng.binomial(PER_LOOK, RATE, size=(TESTS, LOOKS, 2)).cumsum(axis=1)
    n = PER_LOOK * np.arange(1, LOOKS + 1)[None, :]
    p_c, p_v = conversions[..., 0] / n, conversions[..., 1] / n
    diff = p_v - p_c
    variance = (p_c * (1 - p_c) + p_v * (1 - p_v)) / n
    pooled = (p_c + p_v) / 2
    z = np.abs(diff) / np.sqrt(2 * pooled * (1 - pooled) / n)
    naive = (z > 1.959963984540054).any(axis=1).mean()
    tau2 = mixture_tau2(RATE, RATE * (1 - RATE))
    sequential = (np.minimum.accumulate(always_valid_p(diff, variance, tau2), axis=1)[:, -1] < 0.05).mean()
    print(f"naive false positives {naive:.1%}, sequential {sequential:.1%}")
    assert naive > 0.15                      # peeking 20 times inflates the 5% several-fold
    assert sequential <= 0.05
    half = always_valid_half_width(variance, tau2)
    assert (half > 1.959963984540054 * np.sqrt(variance)).all()     # always-valid intervals are wider


def test_a_real_difference_is_still_found():
    rng = np.random.default_rng(5)
    n = 20000
    control, treated = rng.random(n) < 0.10, rng.random(n) < 0.12
    diff = treated.mean() - control.mean()
    variance = (control.var() + treated.var()) / n
    assert always_valid_p(diff, variance, mixture_tau2(0.10, 0.09)) < 0.01
