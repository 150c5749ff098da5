"""The BG/NBD and Gamma-Gamma adapter: validation, closed forms against lifetimes, weights, failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.models import bgnbd
from insights.models.bgnbd import (BetaGeoModel, GammaGammaModel, ModelFitError, NotFittedError, SummaryError,
                                   validate_summary)

PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def simulate_summary(n: int, seed: int = 1, T_max: float = 52.0) -> pd.DataFrame:
    """Customers drawn from a BG/NBD process (PARAMS), observed for T weeks; integer-day times as in the SQL."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(PARAMS["r"], 1.0 / PARAMS["alpha"], n)
    p = rng.beta(PARAMS["a"], PARAMS["b"], n)
    T = np.round(rng.uniform(8, T_max, n) * 7) / 7
    freq, rec = np.zeros(n, dtype=int), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1.0 / lam[i])
            if t > T[i]:
                break
            freq[i] += 1
            rec[i] = np.round(t * 7) / 7
            if rng.random() < p[i]:
                break
    rec = np.minimum(rec, T)
    spend = rng.gamma(6.0, 1.0 / rng.gamma(3.7, 1 / 15.0, n)) if n else np.array([])
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "frequency": freq, "recency": rec, "T": T,
                         "monetary_value": np.where(freq > 0, spend, np.nan)})


@pytest.fixture(scope="module")
def summary():
    return simulate_summary(3000)


@pytest.fixture(scope="module")
def fitted(summary):
    return BetaGeoModel().fit(summary)


def test_validation_names_the_column_and_the_count():
    good = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 3.0], "T": [5.0, 5.0]})
    validate_summary(good)
    with pytest.raises(SummaryError, match="lacks column"):
        validate_summary(good.drop(columns="T"))
    with pytest.raises(SummaryError, match="1 customers whose recency exceeds T"):
        validate_summary(good.assign(recency=[0.0, 6.0]))
    with pytest.raises(SummaryError, match="frequency of summary has 1 non-whole"):
        validate_summary(good.assign(frequency=[0, 1.5]))
    with pytest.raises(SummaryError, match="1 one-time buyers"):
        validate_summary(good.assign(recency=[1.0, 3.0]))
    with pytest.raises(SummaryError, match="column T of summary has 1 empty"):
        validate_summary(good.assign(T=[np.nan, 5.0]))


def test_closed_forms_match_lifetimes(fitted, summary):
    from lifetimes import BetaGeoFitter
    ref = BetaGeoFitter()
    ref.params_ = pd.Series(fitted.params_)
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    ours = fitted.predict_purchases(summary, 13.0)
    theirs = ref.conditional_expected_number_of_purchases_up_to_time(13.0, f.to_numpy(), r.to_numpy(), T.to_numpy())
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)
    np.testing.assert_allclose(fitted.p_alive(summary), ref.conditional_probability_alive(f, r, T), rtol=1e-8)
    np.testing.assert_allclose(fitted.expected_purchases_new_customer([5.0, 40.0]),
                               ref.expected_number_of_purchases_up_to_time(np.array([5.0, 40.0])), rtol=1e-8)
    # cumulative_purchases is predict_purchases at several horizons
    both = fitted.cumulative_purchases(summary, [13.0, 26.0])
    np.testing.assert_allclose(both[:, 0], ours, rtol=1e-12)
    assert (both[:, 1] >= both[:, 0]).all()


def test_log_likelihood_matches_lifetimes(summary):
    from lifetimes import BetaGeoFitter
    log_params = np.log([PARAMS[k] for k in bgnbd.BGNBD_PARAMS])
    f, r, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    theirs = BetaGeoFitter._negative_log_likelihood(log_params, f, r, T, np.ones(len(f)), 0.0)
    ours = -bgnbd.bgnbd_log_likelihood(PARAMS, f, r, T).mean()
    assert ours == pytest.approx(theirs, rel=1e-10)


def test_fitting_unique_rows_with_weights_gives_the_row_by_row_estimate(summary, fitted):
    from lifetimes import BetaGeoFitter
    small = summary.head(800)
    row_by_row = BetaGeoFitter().fit(small["frequency"], small["recency"], small["T"]).params_
    ours = BetaGeoModel().fit(small).params_
    for k in bgnbd.BGNBD_PARAMS:
        assert ours[k] == pytest.approx(row_by_row[k], rel=1e-3)
    assert fitted.unique_rows_fitted_ < fitted.customers_fitted_ == len(summary)


def test_fit_recovers_simulated_parameters_and_keeps_no_data(fitted):
    assert fitted.params_["r"] == pytest.approx(PARAMS["r"], rel=0.25)
    assert fitted.params_["a"] / (fitted.params_["a"] + fitted.params_["b"]) == pytest.approx(0.246, abs=0.08)
    held = [v for v in vars(fitted).values() if isinstance(v, (pd.DataFrame, pd.Series, np.ndarray))]
    assert held == []


def test_not_fitted_and_from_params():
    with pytest.raises(NotFittedError, match="call fit"):
        BetaGeoModel().p_alive(pd.DataFrame({"frequency": [1], "recency": [1.0], "T": [2.0]}))
    model = BetaGeoModel.from_params(PARAMS)
    assert model.p_alive(pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [2.0]}))[0] == 1.0


def test_no_repeat_buyers_is_a_plain_error():
    one_timers = pd.DataFrame({"frequency": [0] * 30, "recency": [0.0] * 30, "T": np.linspace(1, 30, 30)})
    with pytest.raises(ModelFitError, match="No customer bought more than once"):
        BetaGeoModel().fit(one_timers)


def test_convergence_failure_becomes_our_error_without_printing(summary, monkeypatch, capsys):
    from insights.models import likelihood

    class Stopped:
        success, message = False, "ABNORMAL_TERMINATION_IN_LNSRCH"
        x = np.array([0.1, 0.1, 0.1, 0.1])

    monkeypatch.setattr(likelihood, "minimize", lambda *a, **k: Stopped())   # far from the optimum: a failure
    with pytest.raises(ModelFitError, match="did not settle on stable values"):
        BetaGeoModel().fit(summary)
    assert capsys.readouterr().out == ""


def test_gamma_gamma_expected_spend_by_hand():
    model = GammaGammaModel.from_params({"p": 6.0, "q": 4.0, "gamma": 15.0})
    frame = pd.DataFrame({"frequency": [0, 2, 3], "monetary_value": [np.nan, 20.0, -5.0]})
    spend = model.expected_spend(frame)
    assert spend[0] == pytest.approx(6 * 15 / 3)                 # population mean p·γ/(q−1) = 30
    assert spend[1] == pytest.approx(6 * (15 + 2 * 20) / (6 * 2 + 4 - 1))
    assert spend[2] == pytest.approx(30.0)                       # non-positive spend: population mean


def test_gamma_gamma_q_at_most_one_is_a_plain_error(monkeypatch):
    from insights.models.likelihood import Optimum

    monkeypatch.setattr(bgnbd, "fit_gamma_gamma",
                        lambda *a, **k: Optimum(np.array([2.0, 0.8, 3.0]), 1.0, np.eye(3) * 1e-3, False, 1))
    frame = pd.DataFrame({"frequency": [1, 2, 3], "monetary_value": [10.0, 20.0, 5000.0]})
    with pytest.raises(ModelFitError, match="q = 0.80"):
        GammaGammaModel().fit(frame)
