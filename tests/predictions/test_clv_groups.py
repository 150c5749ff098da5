"""Value by where customers come from: the planted high-value channel ranks first, nothing is called different
where nothing was planted, the sample shop's better channel is found, and the table is stored for the feed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from insights.core.workspace import Workspace
from insights.ingest.prepare import ingest_files
from insights.predictions import clv
from insights.predictions.clv.groups import headline, value_by_group
from insights.predictions.simulate import simulate_shop


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A simulated shop (BG/NBD × Gamma-Gamma) whose Referral customers spend 1.6× as much per order."""
    folder = tmp_path_factory.mktemp("clv-groups")
    shop = simulate_shop(3000, seed=3, high_value_channel="Referral", late_dropout_factor=1.0)
    ws = Workspace.create("Planted", folder)
    ingest_files(ws, shop.write(folder / "files"))
    result = clv.run_clv(ws, with_backtest=False)
    yield ws, result
    ws.close()


def test_value_by_group_by_hand():
    scores = pd.DataFrame({"customer_id": [f"c{i}" for i in range(6)], "clv": [10.0, 20, 30, 1, 2, 3]})
    groups = pd.DataFrame({"customer_id": scores["customer_id"], "channel": ["A"] * 3 + ["B"] * 3,
                           "realised_value": [5.0] * 6})
    out = value_by_group(scores, groups, dimensions=("channel",), min_customers=3).set_index("value")
    assert out.loc["A", "mean_clv"] == 20 and out.loc["A", "mean_rest"] == 2
    assert out.loc["A", "ratio_to_rest"] == pytest.approx(10.0)
    assert out.loc["A", "ci_low"] < 20 < out.loc["A", "ci_high"]
    assert list(out.index) == ["A", "B"]                              # highest mean first
    assert value_by_group(scores, groups, dimensions=("channel",), min_customers=4).empty


def test_planted_channel_ranks_first_by_mean_clv(planted):
    _, result = planted
    assert result.applies
    channels = result.by_group[result.by_group["dimension"] == "channel"]
    assert channels.iloc[0]["value"] == "Referral"
    assert channels.iloc[0]["ratio_to_rest"] > 1.15
    assert set(result.by_group["dimension"]) == set(clv.DIMENSIONS)


def test_nothing_called_different_without_a_planted_group(planted):
    ws, result = planted
    groups = clv.customer_groups(ws)
    # the same customers with their channels shuffled: acquisition says nothing about them any more
    shuffled = groups.assign(channel=np.random.default_rng(0).permutation(groups["channel"].to_numpy()))
    table = value_by_group(result.scores, shuffled)
    calm = table[table["dimension"].isin(["channel", "first_channel", "first_category", "country"])]
    assert len(calm) >= 15 and not calm["different"].any(), calm
    assert headline(table) is None


def test_stored_for_the_feed_and_in_the_json(planted, capsys):
    ws, result = planted
    stored, sentence = clv.stored_value_by_group(ws)
    assert stored is not None and sentence == result.by_group_headline
    pd.testing.assert_series_equal(stored["mean_clv"], result.by_group["mean_clv"].round(4), check_names=False)
    from insights.cli import main
    assert main(["clv", "--workspace", str(ws.path), "--json", "--no-backtest"]) == 0
    out = json.loads(capsys.readouterr().out)
    first = out["by_group"][0]
    assert {"dimension", "value", "customers", "mean_clv", "ci_low", "ci_high", "realised_value"} <= set(first)
    assert out["applies"] is True and out["reason"] is None


def test_sample_shop_finds_the_better_channel(sample_workspace):
    result = clv.run_clv(sample_workspace, with_backtest=False)
    channels = result.by_group[result.by_group["dimension"] == "channel"].set_index("value")
    assert channels.index[0] == "Referral" and bool(channels.loc["Referral", "different"])
    assert channels.loc["Referral", "ci_low"] > channels.loc["Paid Social", "ci_high"]
    assert result.by_group_headline.startswith("Customers acquired via Referral are worth ")
