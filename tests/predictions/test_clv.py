"""CLV on small hand-made shops: the SQL summary by hand, readiness, scoring, backtest, cohort cells, storage."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from insights.predictions import clv
from insights.predictions.clv import run as clv_run
from insights.models import readiness as rd
from insights.models.bgnbd import BetaGeoModel, GammaGammaModel
from tests.helpers import workspace_from_tables
from tests.models.test_bgnbd import simulate_summary


def line(order_id, customer, day, price, qty=1, **extra):
    return dict(order_id=order_id, customer_id=customer, ordered_at=day, quantity=qty, unit_price=str(price), **extra)


@pytest.fixture
def tiny():
    ws = workspace_from_tables(order_lines=[
        # A: two orders on 1 Jan (one purchase), then 15 Jan and 29 Jan; and one in the holdout (12 Feb)
        line("A1", "A", "2024-01-01 09:00", 10), line("A2", "A", "2024-01-01 17:00", 5),
        line("A3", "A", "2024-01-15 10:00", 20), line("A4", "A", "2024-01-29 10:00", 40, qty=2),
        line("A5", "A", "2024-02-12 10:00", 7),
        # A's cancellation booked as its own id on 29 Jan is deducted from that day's spend
        line("C-A4", "A", "2024-01-29 12:00", 10, qty=-1, is_cancellation=True),
        # B: one purchase only
        line("B1", "B", "2024-01-08 10:00", 30),
        # C: first buys after the calibration end — not in the calibration summary
        line("C1", "C", "2024-02-10 10:00", 30),
        # a guest order is nobody's purchase
        dict(order_id="G1", customer_id=None, ordered_at="2024-01-02", quantity=1, unit_price="99"),
    ])
    yield ws
    ws.close()


def test_summary_by_hand(tiny):
    s = clv.customer_summary(tiny, calibration_end="2024-02-05", holdout_end="2024-02-19").set_index("customer_id")
    assert list(s.index) == ["A", "B"]
    a, b = s.loc["A"], s.loc["B"]
    assert a["frequency"] == 2                     # 1 Jan counts once; 15 and 29 Jan are the repeats
    assert a["recency"] == pytest.approx(4.0)      # 28 days
    assert a["T"] == pytest.approx(5.0)            # 35 days to 5 Feb
    assert a["monetary_value"] == pytest.approx((20 + 80 - 10) / 2)
    assert a["holdout_purchases"] == 1 and a["holdout_spend"] == pytest.approx(7.0)
    assert (b["frequency"], b["recency"], b["T"]) == (0, 0.0, pytest.approx(4.0))
    assert np.isnan(b["monetary_value"])
    in_days = clv.customer_summary(tiny, calibration_end="2024-02-05", time_unit_days=1).set_index("customer_id")
    assert in_days.loc["A", "T"] == 35 and in_days.loc["A", "recency"] == 28


def test_readiness_messages_say_what_is_missing():
    verdict = rd.assess(customers=400, repeat_buyers=34, history_days=365)
    assert verdict.status == rd.ROUGH and verdict.can_fit
    assert "34 customers bought on more than one day; about 200 are needed for a stable estimate." in verdict.message()
    blocked = rd.assess(customers=12, repeat_buyers=3, history_days=40)
    assert blocked.status == rd.NOT_READY and not blocked.can_fit
    text = blocked.message()
    assert "Only 12 customers have bought so far; at least 50" in text
    assert "Only 3 customers bought on more than one day" in text and "40 days" in text
    assert "Meanwhile you can still look at" in text and "cohort tables" in text
    assert rd.assess(5000, 900, 700).status == rd.READY


def test_run_on_too_little_data_explains_instead_of_failing(tiny):
    result = clv.run_clv(tiny)
    assert not result.fitted and result.readiness.status == rd.NOT_READY
    assert "at least 50" in result.readiness.message()


def test_scores_by_hand():
    models = clv.ClvModels(BetaGeoModel.from_params({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}),
                           GammaGammaModel.from_params({"p": 6.0, "q": 4.0, "gamma": 15.0}),
                           dt.date(2024, 6, 30), 7.0, 2, 1, 40.0)
    summary = pd.DataFrame({"customer_id": ["x", "y"], "frequency": [3, 0], "recency": [20.0, 0.0],
                            "T": [26.0, 10.0], "monetary_value": [50.0, np.nan]})
    s = clv.score_customers(models, summary, horizon_days=30, annual_discount_rate=0.0).set_index("customer_id")
    expected = models.bgnbd.predict_purchases(summary, 30 / 7)
    spend = 6 * (15 + 3 * 50) / (6 * 3 + 4 - 1)
    assert s.loc["x", "expected_purchases"] == pytest.approx(expected[0])
    assert s.loc["x", "clv"] == pytest.approx(expected[0] * spend)          # one month, no discount
    assert s.loc["y", "expected_spend"] == pytest.approx(30.0)
    assert (s["clv_low"] <= s["clv_high"]).all() and (s["clv_low"] <= s["clv"]).all()
    # y (a one-time buyer, 30 days ahead) most likely buys nothing: the 80 % range is 0–0 although the mean is not
    assert s.loc["y", "p_nothing"] > 0.8 and s.loc["y", "clv_high"] == 0 < s.loc["y", "clv"]
    discounted = clv.score_customers(models, summary, horizon_days=730, annual_discount_rate=0.2)
    plain = clv.score_customers(models, summary, horizon_days=730, annual_discount_rate=0.0)
    assert (discounted["clv"] < plain["clv"]).all()
    assert clv.monthly_rate(0.1) == pytest.approx(1.1 ** (1 / 12) - 1)


def test_backtest_sentences():
    text = clv.backtest_sentences(dt.date(2010, 1, 4), dt.date(2011, 6, 30), 182, 5120.0, 4870, 900)
    assert text[0].startswith("Fitted on Jan 2010–Jun 2011, the model expected 5,120 repeat orders")
    assert text[0].endswith("in the next 6 months; there were 4,870: 5% high.")
    low = clv.backtest_sentences(dt.date(2010, 1, 4), dt.date(2010, 3, 1), 28, 90.0, 100, 50)
    assert low[0].endswith("in the next 4 weeks; there were 100: 10% low.")


# ----- a simulated shop big enough to fit ---------------------------------------------------------------
def simulated_lines(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """Order lines of a shop whose customers follow a BG/NBD process, over 2023 (integer days)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01")
    rows = []
    for i in range(n):
        lam, p = rng.gamma(0.8, 1 / 20.0), rng.beta(1.0, 4.0)       # per-day rate
        scale = 1.0 / rng.gamma(4.0, 1 / 30.0)                        # each customer's own spend level
        day = int(rng.integers(0, 200))
        k = 0
        while day < 365:
            rows.append((f"O{i}-{k}", f"c{i:04d}", start + pd.Timedelta(days=day), round(float(rng.gamma(5, scale)), 2)))
            k += 1
            if rng.random() < p:
                break
            day += 1 + int(rng.exponential(1 / lam))
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "unit_price"])
    df["quantity"] = 1
    df["unit_price"] = df["unit_price"].astype(str)
    return df


@pytest.fixture(scope="module")
def shop_lines():
    return simulated_lines()


@pytest.fixture
def shop(shop_lines):
    ws = workspace_from_tables(order_lines=shop_lines)
    yield ws
    ws.close()


def test_backtest_arithmetic(shop, shop_lines):
    bt = clv.backtest(shop, holdout_days=70)
    assert bt.calibration_end == bt.holdout_end - dt.timedelta(days=70)
    # actual repeat purchase days in the holdout, counted independently with pandas
    days = shop_lines.assign(day=pd.to_datetime(shop_lines["ordered_at"]).dt.date)[["customer_id", "day"]] \
        .drop_duplicates()
    first = days.groupby("customer_id")["day"].transform("min")
    known = days[first <= bt.calibration_end]
    actual = int(((known["day"] > bt.calibration_end) & (known["day"] <= bt.holdout_end)).sum())
    assert bt.actual_repeat_orders == actual > 0
    assert bt.customers == known["customer_id"].nunique()
    assert bt.by_week["actual"].sum() == actual and len(bt.by_week) == 10
    assert bt.by_week["predicted"].sum() == pytest.approx(bt.predicted_repeat_orders)
    assert (bt.by_frequency["customers"].sum(), bt.by_frequency["calibration_purchases"].iloc[0]) == (bt.customers, "1")
    weighted = (bt.by_frequency["actual"] * bt.by_frequency["customers"]).sum()
    assert weighted == pytest.approx(actual)
    assert f"there were {actual:,}" in bt.sentences[0]
    assert 0.5 < bt.predicted_repeat_orders / actual < 2.0     # the model is in the right ballpark


def test_backtest_needs_history(tiny):
    with pytest.raises(clv.ClvDataError, match="too little to fit on"):
        clv.backtest(tiny, holdout_days=28)


def test_predicted_cohort_cells(shop):
    cells = clv.predicted_cohort_cells(shop, grain="month", months_ahead=3)
    assert list(cells.columns) == ["cohort", "period_index", "customers", "predicted_revenue_per_customer",
                                   "predicted_ltv", "predicted"]
    assert cells["predicted"].all() and (cells["predicted_revenue_per_customer"] >= 0).all()
    jan = cells[cells["cohort"] == pd.Timestamp("2023-01-01")]
    assert list(jan["period_index"]) == [12, 13, 14]             # data ends in Dec 2023 (period 11)
    assert jan["predicted_ltv"].is_monotonic_increasing
    # all cohorts together: the expected revenue of every customer from 1 Jan to 31 Mar 2024
    summary = clv.customer_summary(shop)
    models = clv.fit_models(summary, summary["last_purchase"].max())
    last = pd.Timestamp(summary["last_purchase"].max())
    start, end = (pd.Timestamp("2023-12-31") - last).days / 7, (pd.Timestamp("2024-03-31") - last).days / 7
    purchases = models.bgnbd.cumulative_purchases(summary, [start, end])
    total = ((purchases[:, 1] - purchases[:, 0]) * models.gamma_gamma.expected_spend(summary)).sum()
    assert (cells["predicted_revenue_per_customer"] * cells["customers"]).sum() == pytest.approx(total, rel=1e-9)
    with pytest.raises(ValueError, match="grain must be one of"):
        clv.predicted_cohort_cells(shop, grain="year")


def test_run_saves_scores_and_reuses_the_stored_fit(shop, monkeypatch):
    before = shop.content_hash()
    first = clv.run_clv(shop, with_backtest=False)
    assert first.fitted and not first.from_cache
    assert shop.content_hash() == before                         # writing scores is not a data change
    stored = clv.load_scores(shop)
    # the scores, then the history each came from (stored so that a stored run reads back whole, unfitted)
    assert list(stored.columns) == clv.SCORE_COLUMNS + list(clv_run.SUMMARY_COLUMNS)
    assert len(stored) == first.models.customers_fitted
    assert stored["customer_id"].is_unique and (stored["p_alive"].between(0, 1)).all()

    def no_refit(*a, **k):
        raise AssertionError("refitted although the data did not change")
    monkeypatch.setattr(clv_run, "fit_models", no_refit)
    again = clv.run_clv(shop, horizon_days=90, with_backtest=False)
    assert again.from_cache and again.models.params == pytest.approx(first.models.params)
    assert again.scores["clv"].sum() < first.scores["clv"].sum()   # 90 days ahead instead of 365


def test_probability_alive_as_of_uses_nothing_after_the_cutoff(shop_lines):
    cutoff = dt.date(2023, 9, 30)
    early = shop_lines[pd.to_datetime(shop_lines["ordered_at"]).dt.date <= cutoff]
    with workspace_from_tables(order_lines=shop_lines) as full, workspace_from_tables(order_lines=early) as cut:
        a = clv.probability_alive_as_of(full.con, dt.datetime(2023, 9, 30))
        b = clv.probability_alive_as_of(cut, cutoff)
    pd.testing.assert_frame_equal(a, b)


def test_cli_json(shop_lines, tmp_path, capsys):
    from insights.cli import main
    from insights.core.workspace import Workspace
    ws = Workspace.create_at(tmp_path / "shop")
    workspace_from_tables(order_lines=shop_lines, ws=ws)
    ws.close()
    assert main(["clv", "--workspace", str(tmp_path / "shop"), "--json", "--horizon-days", "180"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["params"]) == {"r", "alpha", "a", "b", "p", "q", "gamma"}
    assert out["calibration_end"] == "2023-12-31" and out["customers_fitted"] > 300
    assert out["backtest"]["actual_repeat_orders"] > 0 and out["backtest"]["predicted_repeat_orders"] > 0
    assert len(out["top_customers"]) == 10
    assert main(["clv", "--workspace", str(tmp_path / "shop"), "--no-backtest"]) == 0
    assert "Top 10 customers by CLV" in capsys.readouterr().out
