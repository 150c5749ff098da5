"""Our likelihoods and fits against lifetimes': the same objective, its gradient, the same optimum and errors."""

from __future__ import annotations

import numpy as np
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter
from scipy.optimize import approx_fprime

from insights.models import likelihood
from insights.models.bgnbd import BetaGeoModel, GammaGammaModel
from insights.models.likelihood import BgnbdLikelihood, GammaGammaLikelihood, fit_bgnbd, fit_gamma_gamma
from tests.models.test_bgnbd import simulate_summary

LOG_POINTS = [np.log([0.3, 0.2, 0.9, 2.0]), np.log([2.0, 0.05, 0.1, 8.0])]


@pytest.fixture(scope="module")
def shop():
    s = simulate_summary(1500, seed=7)
    return s["frequency"].to_numpy(), s["recency"].to_numpy(), s["T"].to_numpy(), s


@pytest.mark.parametrize("modified, reference", [(False, BetaGeoFitter), (True, ModifiedBetaGeoFitter)])
@pytest.mark.parametrize("point", range(len(LOG_POINTS)))
def test_bgnbd_objective_is_lifetimes_and_its_gradient_is_exact(shop, modified, reference, point):
    f, r, T, _ = shop
    scale = 1.0 / T.max()
    w = np.ones(len(f))
    objective = BgnbdLikelihood(f, r * scale, T * scale, w, 0.01, modified)
    at = LOG_POINTS[point]
    value, gradient = objective(at)
    assert value == pytest.approx(reference._negative_log_likelihood(at, f, r * scale, T * scale, w, 0.01), rel=1e-12)
    np.testing.assert_allclose(gradient, approx_fprime(at, lambda z: objective(z)[0], 1e-7), rtol=1e-4, atol=1e-7)


def test_gamma_gamma_objective_is_lifetimes_and_its_gradient_is_exact(shop):
    s = shop[3]
    rep = s[s["frequency"] > 0]
    x, m = rep["frequency"].to_numpy(dtype=float), rep["monetary_value"].to_numpy()
    w = np.ones(len(x))
    objective = GammaGammaLikelihood(x, m, w, 0.01)
    at = np.log([5.0, 3.0, 12.0])
    value, gradient = objective(at)
    assert value == pytest.approx(GammaGammaFitter._negative_log_likelihood(at, x, m, w, 0.01), rel=1e-12)
    np.testing.assert_allclose(gradient, approx_fprime(at, lambda z: objective(z)[0], 1e-7), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("modified, reference", [(False, BetaGeoFitter), (True, ModifiedBetaGeoFitter)])
def test_fit_reaches_lifetimes_optimum_and_standard_errors(shop, modified, reference):
    f, r, T, s = shop
    ours = BetaGeoModel(modified=modified).fit(s)
    theirs = reference().fit(f, r, T)
    for k in ("r", "alpha", "a", "b"):
        assert ours.params_[k] == pytest.approx(theirs.params_[k], rel=1e-4), k
        assert ours.standard_errors_[k] == pytest.approx(theirs.standard_errors_[k], rel=1e-3), k
    cov = np.asarray(ours.log_covariance_)
    reference_cov = np.linalg.inv(theirs._hessian_) / len(f)
    np.testing.assert_allclose(cov, reference_cov, rtol=1e-3, atol=1e-3 * np.abs(reference_cov).max())
    assert not ours.bounded_fit_


def test_gamma_gamma_fit_reaches_lifetimes_optimum_whatever_the_currency(shop):
    s = shop[3]
    rep = s[s["frequency"] > 0]
    theirs = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    ours = GammaGammaModel().fit(s)
    for ours_k, theirs_k in (("p", "p"), ("q", "q"), ("gamma", "v")):
        assert ours.params_[ours_k] == pytest.approx(theirs.params_[theirs_k], rel=1e-4)
        assert ours.standard_errors_[ours_k] == pytest.approx(theirs.standard_errors_[theirs_k], rel=1e-3)
    # a currency with big numbers (the same shop in units 100,000 times smaller) moves γ only: γ is scaled
    in_big_units = GammaGammaModel().fit(s.assign(monetary_value=s["monetary_value"] * 1e5))
    assert in_big_units.params_["gamma"] == pytest.approx(ours.params_["gamma"] * 1e5, rel=1e-4)
    assert in_big_units.params_["q"] == pytest.approx(ours.params_["q"], rel=1e-4)


def test_weighted_distinct_rows_give_the_row_by_row_optimum(shop):
    f, r, T, _ = shop
    whole = fit_bgnbd(f, r, T, np.ones(len(f)))
    doubled = fit_bgnbd(np.r_[f, f], np.r_[r, r], np.r_[T, T], np.ones(2 * len(f)))
    weighted = fit_bgnbd(f, r, T, np.full(len(f), 2.0))
    np.testing.assert_allclose(weighted.params, doubled.params, rtol=1e-6)
    np.testing.assert_allclose(weighted.params, whole.params, rtol=1e-6)
    np.testing.assert_allclose(weighted.log_covariance, whole.log_covariance / 2.0, rtol=1e-3)


def test_a_shop_where_nobody_leaves_ends_on_the_edge_not_in_an_error():
    """Purchases at a steady rate and nobody dropping out: a → 0, which the bounded search stops on."""
    rng = np.random.default_rng(3)
    n = 800
    T = rng.uniform(30, 52, n)
    x = rng.poisson(T / 3.0)
    t_x = np.where(x > 0, T - rng.exponential(1.0, n).clip(0, 2), 0.0).clip(0)
    fit = fit_bgnbd(x, np.minimum(t_x, T), T, np.ones(n))
    assert fit.on_edge and np.log(fit.params[2]) <= likelihood.LOG_PARAM_BOUNDS[0] + likelihood.EDGE
    assert np.all(np.isfinite(fit.params))


def test_spend_fit_is_scaled_back(shop):
    s = shop[3]
    rep = s[s["frequency"] > 0]
    fit = fit_gamma_gamma(rep["frequency"], rep["monetary_value"], np.ones(len(rep)))
    mean = fit.params[0] * fit.params[2] / (fit.params[1] - 1)          # the population's mean spend
    assert mean == pytest.approx(rep["monetary_value"].mean(), rel=0.25)


@pytest.mark.parametrize("modified", [False, True])
def test_a_large_shop_warm_started_from_a_sample_reaches_the_same_optimum(shop, modified, monkeypatch):
    """Above 2 × WARM_START_CUSTOMERS customers the fit starts on a sample and ends with Newton steps: the optimum
    and the covariance are those of the plain search."""
    f, r, T, _ = shop
    weights = np.full(len(f), 30.0)                  # 45,000 customers in 1,500 distinct histories
    warm = fit_bgnbd(f, r, T, weights, modified=modified)
    monkeypatch.setattr(likelihood, "WARM_START_CUSTOMERS", 10 ** 9)
    plain = fit_bgnbd(f, r, T, weights, modified=modified)
    np.testing.assert_allclose(warm.params, plain.params, rtol=1e-6)
    np.testing.assert_allclose(warm.log_covariance, plain.log_covariance, rtol=1e-4,
                               atol=1e-4 * np.abs(plain.log_covariance).max())
    assert warm.evaluations < plain.evaluations
