"""Churn on simulated shops with a known truth, loaded from their files as an owner would upload them: the
model against BG/NBD's probability alive, the planted late-delivery and damaged-tag drivers, no driver where none
is planted,
the "does not apply" verdict on one-time-buyer shops (simulated and Olist), the CLI file and JSON, and the
statistics underneath (DeLong intervals, Mantel–Haenszel relative risk) on hand-made tables."""

from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from insights.cli import main
from insights.core.workspace import Workspace
from insights.ingest.load.batch import load_prepared
from insights.ingest.prepare import ingest_files, prepare_file
from insights.predictions.churn import score_workspace
from insights.predictions.churn.drivers import mantel_haenszel
from insights.predictions.churn.timing import Timing
from insights.predictions.churn.verdict import auc_intervals, verdict
from insights.predictions.simulate import simulate_shop


def loaded(tmp_path_factory, name: str, **kwargs):
    shop = simulate_shop(**kwargs)
    folder = tmp_path_factory.mktemp(name)
    ws = Workspace.create(name, folder)
    ingest_files(ws, shop.write(folder / "files"))
    return shop, ws


@pytest.fixture(scope="module")
def late_shop(tmp_path_factory):
    shop, ws = loaded(tmp_path_factory, "late", customers=5000, seed=11, damaged_share=0.1)
    yield shop, ws, score_workspace(ws)
    ws.close()


def test_model_matches_bgnbd_probability_alive_against_the_truth(late_shop):
    shop, ws, result = late_shop
    assert result.applies and result.ranked_by == "model"
    assert {"model", "recency", "p_alive"} <= set(result.metrics)
    truth = shop.truth.set_index("customer_id")
    scores = result.scores.set_index("customer_id")
    fitted = Timing(ws.con, result.definition.as_of, result.definition.window_days).frame.set_index("customer_id")
    gone = ~truth.loc[scores.index, "alive"]
    model_auc = roc_auc_score(gone, 1 - scores["p_alive"])
    bgnbd_auc = roc_auc_score(gone, 1 - fitted.loc[scores.index, "p_alive"])
    assert model_auc >= bgnbd_auc - 0.01, (model_auc, bgnbd_auc)
    # the held-out check on the labels: clearly better than days since the last order
    assert result.metrics["recency"]["model_minus_this"]["ci_low"] > 0


def test_late_delivery_is_a_top_driver_and_named_in_reasons(late_shop):
    _, _, result = late_shop
    top = result.drivers[:3]
    late = [d for d in top if d["feature"] == "last_order_late"]
    assert late and late[0]["ci_low"] > 1 and late[0]["significant"], result.drivers
    named = result.scores["reasons"].str.contains("customers whose last order came late stop buying", regex=False)
    assert named.sum() > 0


def test_planted_damaged_tag_is_a_top_driver_and_named_in_reasons(late_shop):
    """The shop's second planted driver: orders tagged "damaged" raise the dropout as late ones do."""
    _, _, result = late_shop
    top = {d["feature"]: d for d in result.drivers[:3]}
    damaged = top.get("last_order_tag_damaged")
    assert damaged and damaged["significant"] and damaged["ci_low"] > 1, result.drivers
    named = result.scores["reasons"].str.contains("customers whose last order was tagged “damaged” stop buying",
                                                  regex=False)
    assert named.sum() > 0


def test_cli_writes_the_analyst_file_and_json(late_shop, tmp_path):
    _, ws, _ = late_shop
    out = tmp_path / "churn.csv"
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["churn", "--workspace", str(ws.path), "--out", str(out), "--json"]) == 0
    report = json.loads(buffer.getvalue())
    assert report["applies"] is True and report["ranked_by"] == "model" and report["reason"]
    for key in ("model", "recency", "p_alive"):
        assert {"roc_auc", "top_decile_precision", "top_decile_lift"} <= set(report["metrics"][key])
    driver = report["drivers"][0]
    assert {"feature", "label", "relative_risk", "ci_low", "ci_high", "customers"} <= set(driver)
    written = pd.read_csv(out, encoding="utf-8-sig")
    assert list(written.columns) == ["customer_id", "churn_probability", "p_alive", "value_at_risk", "reasons"]
    assert len(written) == report["customers_scored"] and written["p_alive"].between(0, 1).all()


def test_no_driver_called_significant_without_a_planted_one(tmp_path_factory):
    _, ws = loaded(tmp_path_factory, "plain", customers=4000, seed=12, late_dropout_factor=1.0,
                   high_value_channel=None, damaged_share=0.1, damaged_dropout_factor=1.0)
    result = score_workspace(ws)
    assert result.drivers and not [d for d in result.drivers if d["significant"]], result.drivers
    assert "last_order_tag_damaged" in {d["feature"] for d in result.drivers}     # tested, and not called a driver
    ws.close()


def test_one_time_buyer_shop_does_not_apply(tmp_path_factory, tmp_path):
    _, ws = loaded(tmp_path_factory, "once", customers=3000, seed=13, one_time_share=0.97)
    result = score_workspace(ws)
    assert result.applies is False and result.ranked_by is None
    assert "have bought once" in result.reason
    out = tmp_path / "none.csv"
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["churn", "--workspace", str(ws.path), "--out", str(out), "--json"]) == 0
    report = json.loads(buffer.getvalue())
    assert report["applies"] is False and report["ranked_by"] is None and report["watchlist"] == []
    assert not out.exists()
    ws.close()


def test_olist_does_not_apply(shared_data, tmp_workspace):
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders"
    names = ["olist_customers_dataset.csv", "olist_orders_dataset.csv", "olist_order_items_dataset.csv",
             "olist_order_reviews_dataset.csv"]
    load_prepared(tmp_workspace, [prepare_file(folder / n) for n in names])
    result = score_workspace(tmp_workspace)
    assert result.applies is False and result.ranked_by is None, (result.reason, result.detail)


def test_sample_shop_finds_late_deliveries(sample_workspace):
    result = score_workspace(sample_workspace)
    late = [d for d in result.drivers if d["feature"] == "last_order_late"]
    assert late and late[0]["significant"] and late[0]["ci_low"] > 1


def test_delong_matches_sklearn_and_verdict_rules():
    rng = np.random.default_rng(0)
    y = rng.random(600) < 0.4
    good = y + rng.normal(0, 0.8, 600)
    noise = rng.normal(0, 1, 600)
    auc = auc_intervals(y, {"model": good, "recency": noise})
    assert auc["model"]["roc_auc"] == pytest.approx(roc_auc_score(y, good))
    assert auc["recency"]["ci_low"] < 0.5 < auc["recency"]["ci_high"]
    assert auc["recency"]["model_minus_this"]["ci_low"] > 0
    assert verdict(y, {"model": good, "recency": noise}, 0.2)["ranked_by"] == "model"
    # a model no better than its baseline does not rank: the baseline does
    assert verdict(y, {"model": good, "recency": good + 1e-9 * noise}, 0.2)["ranked_by"] == "recency"
    assert verdict(y, {"model": noise, "recency": -noise}, 0.2)["ranked_by"] is None
    assert verdict(np.r_[np.ones(590), np.zeros(10)], {"model": good}, 0.2)["applies"] is False


def test_mantel_haenszel_on_a_hand_table():
    # one stratum: 30/100 churn with the flag, 15/100 without -> RR 2; var(log RR) = 1/30 − 1/100 + 1/15 − 1/100
    y = np.r_[np.ones(30), np.zeros(70), np.ones(15), np.zeros(85)].astype(bool)
    on = np.r_[np.ones(100), np.zeros(100)].astype(bool)
    rr, se = mantel_haenszel(y, on, np.zeros(200, dtype=int))
    assert rr == pytest.approx(2.0)
    assert se == pytest.approx(math.sqrt(1 / 30 - 1 / 100 + 1 / 15 - 1 / 100), rel=1e-9)
    # two strata with no effect inside either but different base rates: the crude ratio is fooled, MH is not
    y2 = np.r_[np.ones(45), np.zeros(45), np.ones(5), np.zeros(5), np.ones(1), np.zeros(9), np.ones(9), np.zeros(81)]
    on2 = np.r_[np.ones(90), np.zeros(10), np.ones(10), np.zeros(90)].astype(bool)
    strata = np.r_[np.zeros(100), np.ones(100)].astype(int)
    rr2, _ = mantel_haenszel(y2.astype(bool), on2, strata)
    assert rr2 == pytest.approx(1.0)


def test_drivers_rank_significant_first_and_name_themselves_in_reasons():
    from insights.predictions.churn.drivers import annotate_reasons, relative_risks

    rng = np.random.default_rng(4)
    n = 4000
    late = rng.random(n) < 0.3
    returned = rng.random(n) < 0.3
    churned = rng.random(n) < np.where(late, 0.6, 0.3)                  # late doubles churn; returns do nothing
    features = pd.DataFrame({"recency_days": rng.integers(1, 200, n), "last_order_late": late.astype(float),
                             "returns": returned.astype(int)})
    drivers = relative_risks(features, churned)
    assert [d["feature"] for d in drivers] == ["last_order_late", "had_return"]
    assert drivers[0]["significant"] and drivers[0]["ci_low"] < 2 < drivers[0]["ci_high"]
    assert not drivers[1]["significant"]
    reasons = pd.Series(["no order for 90 days; last order was late", "no order for 90 days"])
    keys = pd.Series(["recency;late_delivery", "recency"])
    today = features.iloc[[0, 1]].assign(last_order_late=[1.0, 1.0]).reset_index(drop=True)
    named = annotate_reasons(reasons, keys, today, drivers)
    assert named[0] == ("no order for 90 days; last order was late — customers whose last order came late stop "
                        f"buying {drivers[0]['relative_risk']:.1f}× as often here")
    assert named[1] == "no order for 90 days"                            # late, but not among its reasons
