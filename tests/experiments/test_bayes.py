"""The Bayesian view of the analysts' expander: the chance that B beats A and the expected loss of each choice,
checked against an exact integral (yes/no) and closed forms (means), and agreeing with the frequentist verdict on
a planted lift and on A/A files."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from insights.experiments.analysis import analyse
from insights.experiments.bayes import bayes_view
from insights.experiments.comparisons import compare_means, compare_rates
from insights.experiments.result_file import read_result_file
from insights.experiments.simulate import result_file_text


def test_yes_no_chance_matches_the_exact_beta_integral():
    control = np.r_[np.ones(40), np.zeros(360)]       # 40 of 400 bought
    treated = np.r_[np.ones(55), np.zeros(345)]       # 55 of 400
    view = bayes_view(compare_rates("bought", "B", control, treated))
    a, b = stats.beta(41, 361), stats.beta(56, 346)
    exact = integrate.quad(lambda x: b.pdf(x) * a.cdf(x), 0, 1, limit=200)[0]
    assert view.chance_better == pytest.approx(exact, abs=0.003)
    # expected loss of shipping B: E[max(A − B, 0)] = ∫ f_B(y) [E(A) (1 − F_{Beta(42, 361)}(y)) − y (1 − F_A(y))] dy
    a_up = stats.beta(42, 361)
    loss = integrate.quad(lambda y: b.pdf(y) * (a.mean() * a_up.sf(y) - y * a.sf(y)), 0, 1, limit=200)[0]
    assert view.loss_if_shipped == pytest.approx(loss, abs=2e-4)
    assert view.loss_if_kept - view.loss_if_shipped == pytest.approx(b.mean() - a.mean(), abs=5e-4)
    assert "Beta-Binomial" in view.method


def test_means_use_the_normal_closed_form():
    rng = np.random.default_rng(3)
    c = compare_means("spent", "B", rng.gamma(2, 10, 800), rng.gamma(2, 11, 800))
    view = bayes_view(c)
    s = math.sqrt(c.variance)
    assert view.chance_better == pytest.approx(stats.norm.cdf(c.diff / s))
    d = stats.norm(c.diff, s)
    shortfall = integrate.quad(lambda x: -x * d.pdf(x), c.diff - 12 * s, 0)[0]
    gain = integrate.quad(lambda x: x * d.pdf(x), 0, c.diff + 12 * s)[0]
    assert view.loss_if_shipped == pytest.approx(shortfall, rel=1e-4)
    assert view.loss_if_kept == pytest.approx(gain, rel=1e-4)


def _result(**kwargs):
    text = result_file_text(**kwargs)
    return analyse(read_result_file(text.encode("utf-8"), name="result.csv"))


def test_agrees_with_the_frequentist_verdict_on_a_planted_lift_and_a_a_files():
    planted = _result(n=20000, baseline=0.2, lift=0.15, layout="sheet", random_state=1)
    for i, view in enumerate(planted.bayesian()):
        assert planted.significant(i) and planted.comparisons[i].diff > 0
        assert view.chance_better > 0.975 and view.loss_if_shipped < view.loss_if_kept / 100
    data = planted.to_dict()["bayesian"]
    assert [b["metric"] for b in data] == [m["metric"] for m in planted.to_dict()["metrics"]]
    agree = 0
    for seed in range(8):
        same = _result(n=2000, baseline=0.2, lift=0.0, layout="sheet", random_state=40 + seed)
        for i, view in enumerate(same.bayesian()):
            unadjusted = same.comparisons[i].p_value < 0.05
            agree += unadjusted == (not 0.025 < view.chance_better < 0.975)
    assert agree >= 15                                  # 16 comparisons; a borderline one may differ
