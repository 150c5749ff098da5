"""The feed finds planted stories and stays quiet on shops without one (simulated shops, tests/feed/shops.py)."""

from __future__ import annotations

import pytest

from insights.feed import DETECTORS, build_feed
from tests.feed.shops import DROP_CHANNEL, STOCKOUT_CATEGORY, simulated_workspace


def _story(feed, period="2024-10"):
    found = [i for i in feed if i.kind == "anomaly" and i.period == period and i.metric == "net_revenue"]
    assert found, [(i.period, i.metric, i.title) for i in feed]
    return found[0], feed.index(found[0])


@pytest.fixture(scope="module")
def stockout_feed():
    ws = simulated_workspace(1, "stockout", events=True, orders_per_day=40)
    yield build_feed(ws)
    ws.close()


def test_a_month_long_stockout_is_found_named_and_blamed_on_supply(stockout_feed):
    insight, rank = _story(stockout_feed)
    assert rank < 5
    assert insight.subject == {"dimension": "category", "value": STOCKOUT_CATEGORY}
    assert insight.action["cause"] == "supply" and "Restock" in insight.action["text"]
    assert insight.owner == "operations" and insight.confidence == "high"
    assert "below" in insight.title and insight.impact_low <= insight.impact <= insight.impact_high
    assert insight.details["views_ratio"] >= 0.6 and insight.details["carts_ratio"] <= 0.4


def test_a_channel_losing_its_visitors_is_demand_not_supply():
    ws = simulated_workspace(2, "demand_drop", events=True, orders_per_day=40)
    try:
        feed = build_feed(ws)
    finally:
        ws.close()
    insight, rank = _story(feed)
    assert rank < 5
    assert insight.subject == {"dimension": "channel", "value": DROP_CHANNEL}
    assert insight.action["cause"] == "demand" and insight.owner == "marketer"
    assert f"visits from {DROP_CHANNEL} fell" in insight.why


def test_twenty_shops_without_a_story_give_at_most_one_high_confidence_insight():
    """Orders and web visits (so conversion is watched too); the funnel and feedback detectors, slower, are held
    to the same on shops with answers and a full funnel in test_detectors.py."""
    detectors = {name: DETECTORS[name] for name in ("anomaly", "overdue", "cohort")}
    high = []
    for seed in range(100, 120):
        ws = simulated_workspace(seed, events=True)
        try:
            high += [(seed, i.title) for i in build_feed(ws, detectors=detectors) if i.confidence == "high"]
        finally:
            ws.close()
    assert len(high) <= 1, high
