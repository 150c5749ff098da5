"""Detectors 3 (where the value comes from) and 4 (why customers leave) on BG/NBD × Gamma-Gamma shops loaded from
their files (insights.predictions.simulate: a planted high-value Referral channel and late deliveries that raise
churn, or nothing planted), and the "move budget" insight on the acquisition simulator's shop (tests/acquisition:
planted costs per new customer of €36, €51 and €80, or €50 everywhere)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from insights.cli import main
from insights.core import scores
from insights.core.workspace import Workspace
from insights.feed import build_feed
from insights.acquisition import Acquisition, acquisition
from insights.feed import budget
from insights.feed.budget import move_budget
from insights.feed.churn_drivers import at_risk_for, churn_drivers, driver_contacts
from insights.feed.value_source import value_sources
from insights.ingest.prepare import ingest_files
from insights.predictions import clv
from insights.predictions.churn import score_workspace
from insights.predictions.clv.groups import as_records, value_by_group
from insights.predictions.simulate import simulate_shop
from tests.acquisition import simulate as acquisition_shop


def _fitted(tmp_path_factory, name, **kwargs):
    """A simulated shop loaded from its files, with CLV and churn stored as the pages store them."""
    shop = simulate_shop(3000, acquisition_share=1.0, **kwargs)
    folder = tmp_path_factory.mktemp(name)
    ws = Workspace.create(name, folder)
    ingest_files(ws, shop.write(folder / "files"))
    clv.run_clv(ws, with_backtest=False)
    score_workspace(ws)
    return ws


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    ws = _fitted(tmp_path_factory, "planted", seed=4)          # Referral spends 1.6× per order; late raises churn
    yield ws, build_feed(ws)
    ws.close()


@pytest.fixture(scope="module")
def calm(tmp_path_factory):
    ws = _fitted(tmp_path_factory, "calm", seed=3, high_value_channel=None, late_dropout_factor=1.0)
    yield ws, build_feed(ws)
    ws.close()


def test_the_channel_with_better_customers_is_found_in_the_top_five(planted):
    _, feed = planted
    [found] = [i for i in feed[:5] if i.kind == "value_source" and i.metric == "clv"]
    assert found.subject == {"dimension": "channel", "value": "Referral"}
    assert found.details["ratio_low"] > 1 and found.details["ratio_to_rest"] > 1.2
    assert "Customers acquired via Referral are worth" in found.title and found.owner == "marketer"
    assert 0 < found.impact_low <= found.impact <= found.impact_high and found.evidence_url == "/clv"
    assert found.confidence in ("high", "medium")


def test_late_deliveries_are_a_churn_driver_with_the_list_of_customers_at_risk(planted):
    ws, feed = planted
    [found] = [i for i in feed[:5] if i.kind == "churn_driver"]
    assert found.subject == {"dimension": "driver", "value": "Last order delivered late"}
    assert found.details["ci_low"] > 1 and found.confidence == "high" and found.owner == "operations"
    assert found.action["export"] == "churn_driver" and "stop buying" in found.title
    assert 0 < found.impact_low <= found.impact <= found.impact_high
    people = at_risk_for(ws, found.details["reason_key"])
    assert len(people) == found.details["customers"] > 20
    assert people["value_at_risk"].is_monotonic_decreasing and people["email"].notna().all()
    stored = scores.current(ws, "churn").set_index("customer_id")
    assert stored.loc[people["customer_id"], "reason_keys"].str.contains("late_delivery").all()
    allowed = driver_contacts(ws, found.details["reason_key"])
    assert len(allowed.kept) + allowed.left_for_consent + allowed.left_without_email + allowed.left_suppressed \
        == len(people)
    assert allowed.kept["consent_email"].eq(True).all()


def test_a_shop_without_a_story_shows_no_value_or_churn_insight_at_high_confidence(calm):
    _, feed = calm
    told = [(i.kind, i.confidence, i.title) for i in feed if i.kind in ("value_source", "churn_driver")]
    assert not [t for t in told if t[1] == "high"], told
    assert not [t for t in told if t[0] == "value_source"], told


def test_channels_shuffled_over_the_customers_tell_no_value_story(planted):
    """Ten re-labellings of the planted shop's customers (acquisition then says nothing about them), each stored
    as the CLV run's table: the table's intervals hold 95 % jointly per shop, so about one false story in twenty
    shops is expected — at most one here, and none at high confidence."""
    ws, _ = planted
    run = scores.run(ws, "clv")
    groups, fitted = clv.customer_groups(ws), scores.current(ws, "clv")
    rng = np.random.default_rng(0)
    told = []
    try:
        for _ in range(10):
            shuffled = groups.assign(**{d: rng.permutation(groups[d].to_numpy())
                                        for d in ("channel", "first_channel", "first_category", "country")})
            table = value_by_group(fitted, shuffled)
            scores.write(ws, "clv", fitted, run.params, {**run.report, "by_group": as_records(table)}, run.run_key)
            told += value_sources(ws, dt.date(2025, 6, 1))
    finally:
        scores.write(ws, "clv", fitted, run.params, run.report, run.run_key)
    assert len(told) <= 1 and not [i for i in told if i.confidence == "high"], [i.title for i in told]


def test_nothing_without_current_predictions(planted, tmp_path):
    ws, _ = planted
    assert value_sources(ws, dt.date(2025, 6, 1)) and churn_drivers(ws, dt.date(2025, 6, 1))
    copy = Workspace.create("empty", tmp_path / "empty")
    try:
        assert value_sources(copy, dt.date(2025, 6, 1)) == [] and churn_drivers(copy, dt.date(2025, 6, 1)) == []
    finally:
        copy.close()


def _acquisition_workspace(folder, cac=None):
    with pytest.MonkeyPatch.context() as patch:
        if cac is not None:
            patch.setattr(acquisition_shop, "PLANTED_CAC", cac)
        acquisition_shop.simulate(folder / "files")
    files = [str(folder / "files" / n) for n in ("customers.csv", "orders.csv", "meta_ads.csv", "google_ads.csv",
                                                  "budget.csv")]
    assert main(["ingest", *files, "--workspace", str(folder / "ws"), "--yes"]) == 0
    return Workspace.open(folder / "ws")


def test_move_budget_from_the_channel_that_brings_back_least_per_euro(tmp_path, capsys):
    ws = _acquisition_workspace(tmp_path)
    capsys.readouterr()
    try:
        feed = build_feed(ws)
    finally:
        ws.close()
    [found] = [i for i in feed[:5] if i.metric == "ltv_cac"]
    # Influencer's customers cost €80, Paid Social's €36, and are worth the same: 2.2× per euro
    assert found.kind == "value_source" and found.subject == {"dimension": "channel", "value": "Influencer"}
    assert found.action["move_from"] == "Influencer" and found.action["move_to"] == "Paid Social"
    assert found.title.startswith(f"Move about €{found.action['amount_per_month']:,.0f} a month from Influencer "
                                  "to Paid Social")
    assert found.details["ratio_low"] > 1.2 and found.details["ratio_low"] < 80 / 36 < found.details["ratio_high"]
    # a quarter of Influencer's monthly spend (€80 × 8–19 new customers a month), rounded
    assert 150 <= found.action["amount_per_month"] <= 400
    assert "€80 each" in found.why and "€36 each" in found.why and "revenue" in found.why
    assert 0 < found.impact_low <= found.impact <= found.impact_high and found.evidence_url == "/acquisition"
    assert found.details["ranges_overlap"] is False and "overlap" not in found.action["text"]


def test_no_budget_move_when_every_channel_costs_the_same(tmp_path):
    ws = _acquisition_workspace(tmp_path, {c: Decimal("50.00") for c in acquisition_shop.PLANTED_CAC})
    try:
        assert move_budget(ws, dt.date(2024, 7, 1)) == []
    finally:
        ws.close()


def test_overlapping_ranges_are_said_in_words(monkeypatch):
    """Two channels of 40 new customers worth the same each, one bringing back 1.7× per euro: the gap is clear
    (z ≈ 2.4), each one's own range is not (±1.96/√40 on the log scale each way): the caveat, a first step."""
    channels = pd.DataFrame({"channel": ["A", "B"], "spend": [4000.0, 4000.0], "new_customers": [40, 40],
                             "cac": [100.0, 100.0], "clv": [100.0, 170.0], "clv_low": [100.0, 170.0],
                             "clv_high": [100.0, 170.0], "ltv_cac": [1.0, 1.7], "payback_months": [None, 2],
                             "payback_predicted": [False, False], "roas": [1.0, 1.7]})
    months = pd.DataFrame({"month": [dt.date(2024, m, 1) for m in (1, 2, 3, 4)] * 2, "channel": ["A"] * 4 + ["B"] * 4,
                           "spend": [1200.0, 900.0, 1000.0, 1100.0] * 2, "new_customers": [10] * 8,
                           "cac": [100.0] * 8})
    people = pd.DataFrame({"customer_id": [f"c{i}" for i in range(80)], "month": dt.date(2024, 1, 1),
                           "channel": ["A"] * 40 + ["B"] * 40, "value": [100.0] * 40 + [170.0] * 40})
    made = Acquisition("EUR", None, None, channels, {}, {}, months, [], [], {}, "realised",
                       "revenue-based (no costs known)", [], True, people)
    monkeypatch.setattr(budget, "acquisition", lambda ws: made)
    monkeypatch.setattr(budget, "has_spend", lambda ws: True)
    [found] = budget.move_budget(None, dt.date(2024, 5, 1))
    assert found.details["ranges_overlap"] and "overlaps" in found.why and "start with this step" in found.action["text"]
    assert found.action["amount_per_month"] == 250 and found.details["p_adjusted"] < 0.05
    assert found.impact == pytest.approx(12 * 250 * 1.0 * 0.7)


def test_a_flat_monthly_fee_is_not_a_budget_to_move(sample_workspace):
    """The sample shop's Email spend is its newsletter plan, €59 every month: €2.50 per new customer is no price
    of more customers, so Meta's money is not sent there (it was, at 206× "return", before the rule)."""
    assert budget.fixed_fee(pd.Series([59.0] * 12)) and not budget.fixed_fee(pd.Series([4271.88, 4055.5, 4291.93]))
    assert not budget.fixed_fee(pd.Series([59.0, 59.0]))                       # two months say nothing yet
    returns = budget.channel_returns(acquisition(sample_workspace))
    assert "Email" not in set(returns["channel"]) and "Paid Social" in set(returns["channel"])
    assert move_budget(sample_workspace, dt.date(2026, 11, 1)) == []
