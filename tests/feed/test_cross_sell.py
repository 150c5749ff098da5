"""The feed's cross-sell insight: a planted pair's gap (bought one of P01 and P02, never the other) becomes one insight in words with
its money range and its consented list; an independent shop gets none; the recommendation campaign is an
insight of its own so that its export can hold back a control."""

import datetime as dt

import pandas as pd

from insights.feed.cross_sell import (cross_sell_gaps, directions, gap_contacts, gap_customers,
                                      recommendation_insight)
from insights.feed.feed import DETECTORS, default_as_of
from insights.feed.outcome import holdouts, plan_export, record_export
from insights.products.lines import kept_lines
from tests.helpers import workspace_from_tables
from tests.products.shops import shop_lines


def test_gap_customers_and_directions_by_hand():
    lines = pd.DataFrame({"customer_id": ["x", "x", "y", "z", None], "product_id": ["A", "B", "A", "B", "A"]})
    assert gap_customers(lines, "A", "B").tolist() == ["y"] and gap_customers(lines, "B", "A").tolist() == ["z"]
    pair = pd.DataFrame([dict(a="A", a_name="a", b="B", b_name="b", baskets=20, support=0.1, confidence_ab=0.5,
                              confidence_ba=0.25, q_value=0.001)])
    both = directions(pair).set_index("a")
    assert both.loc["A", "orders_a"] == 40 and both.loc["B", "orders_a"] == 80      # 20 / 0.5, 20 / 0.25
    assert both.loc["A", "support_b"] == 0.4 and both.loc["B", "support_b"] == 0.2  # 0.1 / 0.25, 0.1 / 0.5


def test_planted_gap_is_one_insight_with_its_list():
    lines = shop_lines(1, planted=True)
    records = [dict(customer_id=f"c{c:04d}", email=f"c{c}@example.com", consent_email=c % 3 != 0)
               for c in range(800)]
    ws = workspace_from_tables(order_lines=lines, customer_records=records)
    try:
        assert "cross_sell" in DETECTORS
        as_of = default_as_of(ws)
        found = cross_sell_gaps(ws, as_of, min_gap=20)
        assert len(found) == 1, [i.title for i in found]
        insight = found[0]
        a, b = insight.details["a"], insight.details["b"]
        assert {a, b} == {"P01", "P02"} and insight.subject == {"dimension": "product_pair", "value": f"{a} → {b}"}
        assert insight.title.endswith(f"customers buy Product {a[1:]} but never Product {b[1:]}")
        assert 0 < insight.impact_low <= insight.impact <= insight.impact_high
        expected = gap_customers(kept_lines(ws), a, b)
        assert insight.details["customers"] == len(expected) >= 20
        assert insight.to_dict()["kind"] == "cross_sell" and insight.action["export"] == "cross_sell"
        listed = gap_contacts(ws, insight)
        assert set(listed.kept["customer_id"]) == {c for c in expected if int(c[1:]) % 3 != 0}
        assert listed.left_for_consent == sum(1 for c in expected if int(c[1:]) % 3 == 0)
        assert (listed.kept["Bought"] == f"Product {a[1:]}").all()
        assert (listed.kept["Suggested"] == f"Product {b[1:]}").all()
        assert cross_sell_gaps(ws, as_of) == [] or found[0].details["customers"] >= 100      # the default bar
    finally:
        ws.close()


def test_independent_shop_has_no_gap_and_no_orders_no_insight():
    ws = workspace_from_tables(order_lines=shop_lines(3))
    try:
        assert cross_sell_gaps(ws, default_as_of(ws), min_gap=5) == []
        assert cross_sell_gaps(ws, dt.date(2023, 1, 1)) == []              # before any order
    finally:
        ws.close()


def test_recommendation_export_holds_back_a_remembered_control():
    ws = workspace_from_tables(order_lines=shop_lines(2, customers=100))
    try:
        insight = recommendation_insight(dt.date(2024, 10, 2), 100, "ease")
        customers = pd.DataFrame({"customer_id": [f"c{c:04d}" for c in range(100)]})
        rows, chosen = plan_export(ws, insight, customers, hold_back=True)
        assert len(rows) == 90 and int(chosen["held_back"].sum()) == 10
        record_export(ws, insight, chosen)
        again, _ = plan_export(ws, insight, customers, hold_back=True)
        assert again["customer_id"].tolist() == rows["customer_id"].tolist()          # the same control
        assert int(holdouts(ws, insight.id)["held_back"].sum()) == 10
        assert insight.id == recommendation_insight(dt.date(2024, 10, 25), 5, "cosine").id   # one per month
    finally:
        ws.close()
