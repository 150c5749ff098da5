"""The CLV interval: about 80 % of customers' realised holdout value falls inside their 80 % interval on simulated
shops whose purchases follow the models; the interval is never the point estimate by construction."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from lifetimes import ModifiedBetaGeoFitter

from insights.models.bgnbd import BGNBD_PARAMS, BetaGeoModel, GammaGammaModel
from insights.models.bgnbd_formulas import conditional_expected_purchases, probability_alive
from insights.predictions import clv
from insights.predictions.clv.fit import fit_models
from insights.predictions.clv.intervals import parameter_draws
from tests.predictions.clv_simulation import simulate_shop

HORIZON_WEEKS = 26


def coverage(scores: pd.DataFrame, realised: np.ndarray, only_open: bool = False) -> float:
    """Share of customers whose realised value is inside their interval; ``only_open``: among customers whose
    interval is not 0–0 (for them the coverage is 80 % by construction only if the model is right)."""
    inside = (scores["clv_low"].to_numpy() <= realised + 1e-9) & (realised <= scores["clv_high"].to_numpy() + 1e-9)
    if only_open:
        inside = inside[scores["clv_high"].to_numpy() > 0]
    return float(inside.mean())


@pytest.fixture(scope="module")
def shop():
    summary = simulate_shop(5000, seed=7, horizon=HORIZON_WEEKS)
    models = fit_models(summary, dt.date(2024, 1, 1))
    scores = clv.score_customers(models, summary, horizon_days=HORIZON_WEEKS * 7, annual_discount_rate=0.0)
    return summary, models, scores


def test_about_80_percent_of_realised_values_inside_the_80_percent_interval(shop):
    summary, _, scores = shop
    realised = summary["holdout_value"].to_numpy()
    assert 0.72 <= coverage(scores, realised) <= 0.88
    assert 0.72 <= coverage(scores, realised, only_open=True) <= 0.88
    # and where it matters most: the customers who bought again (their value is rarely 0)
    repeat = (summary["frequency"] >= 2).to_numpy()
    assert 0.70 <= coverage(scores[repeat], realised[repeat]) <= 0.90
    # neither end is systematically wrong
    assert (realised < scores["clv_low"]).mean() < 0.12 and (realised > scores["clv_high"]).mean() < 0.2


def test_interval_is_not_the_point_estimate_for_active_frequent_buyers(shop):
    summary, _, scores = shop
    busy = scores[(scores["expected_purchases"] > 3) & (scores["p_alive"] > 0.9)]
    assert len(busy) >= 20
    sure = busy[busy["p_nothing"] < 0.1]                     # 10 % or less chance of buying nothing at all
    assert len(sure) >= 10 and (sure["clv_low"] > 0).all()   # ... so the low end is not 0
    assert (busy["clv_low"] < busy["clv"]).all() and (busy["clv"] < busy["clv_high"]).all()
    assert (scores["clv_low"] <= scores["clv_high"]).all()


def test_parameter_uncertainty_widens_the_interval(shop):
    """The parameters' uncertainty flows into the interval: the draws follow the fit's covariance, and another
    covariance gives other intervals. (On 5,000 customers it is small next to each customer's own randomness:
    5× the standard errors change the mean width by a few per cent, in either direction with the seed.)"""
    summary, models, _ = shop
    assert models.bgnbd.log_covariance_ is not None and models.gamma_gamma.log_covariance_ is not None

    def with_covariance(factor: float) -> clv.ClvModels:
        bg, gg = models.bgnbd, models.gamma_gamma
        return clv.ClvModels(
            BetaGeoModel.from_params(bg.params_, None, (np.asarray(bg.log_covariance_) * factor).tolist()),
            GammaGammaModel.from_params(gg.params_, None, (np.asarray(gg.log_covariance_) * factor).tolist()),
            models.calibration_end, 7.0, models.customers_fitted, models.repeat_customers_fitted, models.mean_spend)

    one_time = (summary["frequency"] == 0).to_numpy()
    widths = []
    for factor in (0.0, 25.0):
        s = clv.score_customers(with_covariance(factor), summary, horizon_days=728, annual_discount_rate=0.0)
        widths.append((s["clv_high"] - s["clv_low"])[one_time].mean())
    assert widths[1] != pytest.approx(widths[0], rel=1e-6)
    draws = parameter_draws(models.bgnbd.params_, BGNBD_PARAMS, models.bgnbd.log_covariance_, None, 4000,
                            np.random.default_rng(0))
    np.testing.assert_allclose(np.cov(np.log(draws).T), models.bgnbd.log_covariance_, rtol=0.15,
                               atol=1e-2 * np.abs(models.bgnbd.log_covariance_).max())


def test_scores_are_reproducible_and_fast_enough(shop):
    summary, models, scores = shop
    again = clv.score_customers(models, summary, horizon_days=HORIZON_WEEKS * 7, annual_discount_rate=0.0)
    pd.testing.assert_frame_equal(scores, again)


def test_modified_bgnbd_formulas_match_lifetimes():
    params = {"r": 0.3, "alpha": 4.0, "a": 0.8, "b": 2.5}
    ref = ModifiedBetaGeoFitter()
    ref.params_ = pd.Series(params)
    x, t_x, T = np.array([0, 1, 3, 10.0]), np.array([0, 5, 20, 30.0]), np.array([10, 30, 40, 35.0])
    np.testing.assert_allclose(conditional_expected_purchases(params, x, t_x, T, 10, modified=True),
                               ref.conditional_expected_number_of_purchases_up_to_time(10, x, t_x, T), rtol=1e-9)
    alive = probability_alive(params, x, t_x, T, modified=True)
    np.testing.assert_allclose(alive, ref.conditional_probability_alive(x, t_x, T), rtol=1e-9)
    assert alive[0] < 1 and probability_alive(params, x, t_x, T)[0] == 1     # BG/NBD: one-time buyers alive


def test_interval_coverage_with_the_modified_model():
    summary = simulate_shop(4000, seed=11, horizon=HORIZON_WEEKS, modified=True)
    models = fit_models(summary, dt.date(2024, 1, 1), modified=True)
    assert models.bgnbd.modified
    scores = clv.score_customers(models, summary, horizon_days=HORIZON_WEEKS * 7, annual_discount_rate=0.0)
    realised = summary["holdout_value"].to_numpy()
    assert 0.72 <= coverage(scores, realised, only_open=True) <= 0.88
    assert 0.72 <= coverage(scores, realised) <= 0.92          # most one-time buyers are gone: 0–0, and right
    one_time = summary["frequency"] == 0
    assert scores.loc[one_time, "p_alive"].max() < 1          # MBG/NBD: one-time buyers may have left
