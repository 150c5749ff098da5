"""The CLV model says when it does not describe the shop: too few repeat buyers, a fit where nobody ever leaves,
r → 0; and where one-time buyers are many, P(alive) comes from the modified BG/NBD."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from insights.predictions import clv
from insights.predictions.clv import applies
from insights.predictions.clv.fit import fit_models
from tests.helpers import workspace_from_tables
from tests.predictions.clv_simulation import simulate_shop


def one_time_shop_lines(customers: int = 1500, repeat: int = 40, seed: int = 2) -> pd.DataFrame:
    """A marketplace-like shop over 2024: ``customers`` buyers, of whom only ``repeat`` buy a second time."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for i in range(customers):
        day = int(rng.integers(0, 300))
        rows.append((f"O{i}", f"c{i:05d}", start + pd.Timedelta(days=day), round(float(rng.gamma(3, 20)), 2)))
        if i < repeat:
            rows.append((f"R{i}", f"c{i:05d}", start + pd.Timedelta(days=day + int(rng.integers(5, 60))), 30.0))
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "unit_price"])
    return df.assign(quantity=1, unit_price=df["unit_price"].astype(str))


@pytest.fixture(scope="module")
def one_time_lines():
    return one_time_shop_lines()


def test_too_few_repeat_buyers_does_not_apply(one_time_lines, tmp_path, capsys):
    from insights.cli import main
    from insights.core.workspace import Workspace
    ws = Workspace.create_at(tmp_path / "market")
    workspace_from_tables(order_lines=one_time_lines, ws=ws)
    result = clv.run_clv(ws, with_backtest=False)
    assert result.readiness.can_fit                     # enough to try (40 repeat buyers) ...
    assert not result.applies and result.scores is None  # ... but not enough to describe the shop
    numbers = result.applicability.numbers
    assert (numbers["customers"], numbers["repeat_buyers"]) == (1500, 40)
    assert "only 40 of your 1,500 customers (2.7%) have bought on more than one day" in result.reason
    ws.close()
    assert main(["clv", "--workspace", str(tmp_path / "market"), "--json", "--no-backtest"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["applies"] is False and "does not apply" in out["reason"]
    assert out["applicability"]["numbers"]["repeat_share"] == pytest.approx(40 / 1500, abs=1e-4)
    assert "top_customers" not in out


def test_a_fit_where_nobody_leaves_does_not_apply():
    """A shop whose customers never drop out: the fit's mean dropout is ~0 and every P(alive) would be ~1."""
    summary = simulate_shop(3000, seed=4, bg={"r": 0.8, "alpha": 10.0, "a": 0.002, "b": 8.0}, T_min=20, T_max=52)
    models = fit_models(summary, dt.date(2024, 1, 1))
    verdict = applies.check_fit(summary, models)
    assert not verdict.applies, models.params
    assert verdict.numbers["mean_dropout"] < applies.MIN_DROPOUT
    assert "almost never stop buying" in verdict.reason and "probably still active" in verdict.reason


def test_r_near_zero_does_not_apply():
    summary = simulate_shop(2000, seed=3)
    models = fit_models(summary, dt.date(2024, 1, 1))
    assert applies.check_fit(summary, models).applies
    models.bgnbd.params_ = dict(models.bgnbd.params_, r=0.001)
    verdict = applies.check_fit(summary, models)
    assert not verdict.applies and "r = 0.001" in verdict.reason


def test_many_one_time_buyers_get_p_alive_from_the_modified_model():
    summary = simulate_shop(6000, seed=9, bg={"r": 0.25, "alpha": 12.0, "a": 1.5, "b": 1.5}, modified=True)
    one_time = (summary["frequency"] == 0).mean()
    assert one_time >= applies.ONE_TIME_SHARE_FOR_MODIFIED and applies.check_data(summary).applies
    assert applies.use_modified(summary)
    models = fit_models(summary, dt.date(2024, 1, 1), modified=True)
    alive = models.bgnbd.p_alive(summary)[summary["frequency"].to_numpy() == 0]
    assert alive.max() < 1 and alive.mean() < 0.8
    assert not applies.use_modified(simulate_shop(2000, seed=3))     # a shop of repeat buyers keeps BG/NBD


def test_olist_does_not_apply(shared_data, tmp_workspace):
    """Olist's sample (orders, items, customers, reviews): a marketplace of one-time buyers — no per-customer values."""
    from insights.ingest.load.batch import load_prepared
    from insights.ingest.prepare import prepare_file
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders"
    names = ["olist_customers_dataset.csv", "olist_orders_dataset.csv", "olist_order_items_dataset.csv",
             "olist_order_reviews_dataset.csv"]
    if not all((folder / n).exists() for n in names):
        pytest.skip(f"the Olist sample is not complete in {folder}")
    load_prepared(tmp_workspace, [prepare_file(folder / n) for n in names])
    result = clv.run_clv(tmp_workspace, with_backtest=False)
    assert not result.applies and result.scores is None, result.reason
    numbers = result.applicability.numbers
    assert numbers["repeat_share"] < 0.01 and numbers["customers"] > 10_000
    assert "does not apply" in result.reason
