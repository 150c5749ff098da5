"""The feed's second_purchase insight: a planted first-order driver becomes one insight, in words, with its money
range; a shop without second-order drivers gets none."""

import datetime as dt

import pandas as pd

from insights.feed.feed import DETECTORS, build_feed, default_as_of
from insights.feed.second_purchase import second_purchase_drivers
from tests.helpers import workspace_from_tables
from tests.second_purchase.shops import shop


def test_a_planted_first_category_is_an_insight_of_its_own():
    ws = shop(1, planted=True)
    try:
        assert "second_purchase" in DETECTORS
        found = [i for i in build_feed(ws) if i.kind == "second_purchase"]
    finally:
        ws.close()
    assert len(found) == 1, [i.title for i in found]
    insight = found[0]
    assert insight.subject == {"dimension": "first_category", "value": "Garden"}
    assert insight.title.startswith("Customers whose first order held Garden come back")
    assert "as often" in insight.title and "within 90 days" in insight.why
    assert 0 < insight.impact_low <= insight.impact <= insight.impact_high
    assert insight.evidence_url == "/cohorts?view=second-purchase" and insight.owner == "marketer"
    assert insight.to_dict()["kind"] == "second_purchase"


def test_nothing_to_say_without_drivers():
    lines = [dict(order_id=f"o{i}", customer_id=f"c{i}", quantity=1, unit_price="10",
                  ordered_at=pd.Timestamp("2024-01-01") + pd.Timedelta(days=i)) for i in range(60)]
    ws = workspace_from_tables(order_lines=lines)
    try:
        assert second_purchase_drivers(ws, default_as_of(ws)) == []
        assert second_purchase_drivers(ws, dt.date(2023, 1, 1)) == []      # before any order
    finally:
        ws.close()
