"""Published anchors: BG/NBD and Gamma-Gamma on CDNOW's 1/10 sample, from the raw purchase log.

The sample (``CDNOW_sample.txt`` in ``lifetimes.datasets``) is whitespace-separated without a header:
master customer id, sample customer id (1–2,357), date YYYYMMDD, CDs bought, dollar amount (the line TOTAL,
so unit_price = amount / quantity). Calibration ends 1997-09-30, time in weeks.
Expected: r = 0.243, α = 4.414, a = 0.793, b = 2.426 (Fader, Hardie & Lee 2005) and p = 6.25, q = 3.74,
γ = 15.44 (Fader & Hardie's note on the Gamma-Gamma model), each within 1 %.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from insights.predictions import clv
from tests.helpers import workspace_from_tables

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
CALIBRATION_END = "1997-09-30"


def sample_path() -> str:
    import lifetimes
    return os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "CDNOW_sample.txt")


def cdnow_lines() -> pd.DataFrame:
    """The raw log as order lines: one line per row of the file; revenue is the file's amount."""
    raw = pd.read_csv(sample_path(), sep=r"\s+", header=None, names=["master_id", "customer", "date", "qty", "amount"],
                      dtype={"master_id": str, "customer": str, "date": str})
    return pd.DataFrame({"order_id": [f"L{i + 1}" for i in range(len(raw))], "customer_id": raw["customer"],
                         "ordered_at": pd.to_datetime(raw["date"], format="%Y%m%d"),
                         "quantity": raw["qty"].astype(float), "unit_price": (raw["amount"] / raw["qty"]).round(4),
                         "revenue": raw["amount"]})


@pytest.fixture(scope="module")
def cdnow():
    ws = workspace_from_tables(order_lines=cdnow_lines())
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def fitted(cdnow):
    summary = clv.customer_summary(cdnow, CALIBRATION_END)
    return summary, clv.fit_models(summary, CALIBRATION_END)


def test_summary_counts(fitted):
    summary, _ = fitted
    assert len(summary) == 2357
    assert int((summary["frequency"] > 0).sum()) == 946     # the note's 946 repeat customers
    assert summary["T"].max() == pytest.approx(272 / 7)      # first purchases from 1 Jan 1997


def test_published_parameters_within_one_percent(fitted):
    _, models = fitted
    for name, value in PUBLISHED.items():
        assert models.params[name] == pytest.approx(value, rel=0.01), name
    assert models.gamma_gamma.customers_fitted_ == 946


def test_clv_matches_lifetimes_customer_lifetime_value(fitted):
    """Our vectorised CLV equals lifetimes' per-customer loop (12 months, 1 % a month) on the same params."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    summary, models = fitted
    rows = summary[summary["frequency"] > 0].head(300)
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series(models.bgnbd.params_)
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({"p": models.params["p"], "q": models.params["q"], "v": models.params["gamma"]})
    theirs = ggf.customer_lifetime_value(bgf, rows["frequency"], rows["recency"], rows["T"], rows["monetary_value"],
                                         time=12, discount_rate=0.01, freq="W")
    ours = clv.score_customers(models, rows, horizon_days=365, annual_discount_rate=1.01 ** 12 - 1)
    np.testing.assert_allclose(ours["clv"].to_numpy(), theirs.to_numpy(), rtol=5e-3)


def test_backtest_on_the_published_split(cdnow):
    bt = clv.backtest(cdnow, calibration_end=CALIBRATION_END)
    assert bt.customers == 2357 and bt.holdout_end.isoformat() == "1998-06-30"
    assert bt.params["r"] == pytest.approx(PUBLISHED["r"], rel=0.01)
    assert bt.actual_repeat_orders == 1882
    assert abs(bt.error_pct) < 20


def test_raw_file_through_ingest_gives_the_same_summary():
    """As a user would upload it: the raw file through the ingest step."""
    from insights.ingest import ingest_files
    from insights.core.workspace import Workspace
    with Workspace.in_memory() as ws:
        ingest_files(ws, [sample_path()])
        summary = clv.customer_summary(ws, CALIBRATION_END)
        assert len(summary) == 2357 and int((summary["frequency"] > 0).sum()) == 946
        models = clv.fit_models(summary, CALIBRATION_END)
    for name, value in PUBLISHED.items():
        assert models.params[name] == pytest.approx(value, rel=0.01), name


def test_cdnow_is_described_by_bgnbd(fitted):
    from insights.predictions.clv import applies
    summary, models = fitted
    verdict = applies.check_fit(summary, models)
    assert verdict.applies and not verdict.modified            # 60 % one-time buyers: plain BG/NBD
