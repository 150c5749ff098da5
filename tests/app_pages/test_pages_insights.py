"""AppTest drives the Insights page on a simulated shop with a stock-out: the card, its status buttons, filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from insights.feed import build_feed, statuses
from insights.feed.outcome import export_list
from insights.feed.overdue import overdue_customers
from insights.ui.session import WORKSPACE_KEY
from tests.feed.shops import simulate
from tests.helpers import insert_rows, workspace_from_tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lines():
    frame = simulate(1, "stockout", orders_per_day=40)["order_lines"]
    return frame[frame["ordered_at"] < pd.Timestamp("2024-12-01")].reset_index(drop=True)


@pytest.fixture
def shop(lines):
    ws = workspace_from_tables(order_lines=lines)
    yield ws
    ws.close()


def open_page(ws) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "insights.py"), default_timeout=90)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_stockout_card_says_what_why_what_to_do_and_moves_through_the_statuses(shop):
    at = open_page(shop)
    text = _text(at)
    assert "1. Revenue in October 2024 was" in text and "below what the previous months predict" in text
    assert "Restock Garden Tools" in text and "[See it on the KPI scorecard](/kpis)" in text
    assert not any("Nothing unusual" in s.value for s in at.success)
    [stockout] = [k for k in statuses_keys(at) if k.endswith("_seen")][:1]
    at.button(key=stockout).click().run()
    assert not at.exception
    insight_id = stockout.split("_")[1]
    assert statuses(shop)[insight_id]["status"] == "seen"
    at.button(key=f"status_{insight_id}_acted").click().run()
    assert statuses(shop)[insight_id]["status"] == "acted"
    assert any("Status: Acted on" in c.value for c in at.caption)
    # acted insights leave the view when only new ones are asked for
    at.multiselect(key="feed_statuses").set_value(["new"]).run()
    assert "October 2024" not in _text(at)


def test_filters_by_owner_and_says_nothing_unusual_when_that_is_the_truth(shop):
    at = open_page(shop)
    at.multiselect(key="feed_owners").set_value(["marketer"]).run()
    assert not at.exception
    assert "Restock" not in _text(at)                        # the stock-out is for operations
    at.selectbox(key="feed_window").set_value("this week").run()
    assert any("Nothing unusual this week" in s.value for s in at.success)
    # statistics terms only inside the "For analysts" expanders
    at.selectbox(key="feed_window").set_value("all history").run()
    at.multiselect(key="feed_owners").set_value(["operations", "owner", "manager", "marketer"]).run()
    inside = {e.value for x in at.expander for e in list(x.markdown) + list(x.caption)}
    outside = [e.value for e in list(at.markdown) + list(at.caption) if e.value not in inside]
    assert any("Benjamini" in v for v in inside)
    assert not [v for v in outside if any(w in v for w in ("Benjamini", "p-value", "z-test", "OLS", "q ≤"))]


def statuses_keys(at) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("status_")]


def test_an_export_with_a_control_shows_its_result_on_the_card_after_the_next_orders(lines):
    full = simulate(1, "stockout", orders_per_day=40)["order_lines"]
    ws = workspace_from_tables(order_lines=lines)
    try:
        at = open_page(ws)
        [overdue_key] = [c.key for c in at.checkbox if c.key and c.key.startswith("hold_")]
        at.checkbox(key=overdue_key).check().run()
        assert not at.exception
        insight_id = overdue_key.split("_")[1]
        [overdue] = [i for i in build_feed(ws) if i.id == insight_id]
        customers = overdue_customers(ws, dt.date(2024, 12, 1))
        export_list(ws, overdue, customers, hold_back=True, at=dt.datetime(2024, 12, 1))   # what the click records
        later = full[(full["ordered_at"] >= pd.Timestamp("2024-12-01"))]
        insert_rows(ws, "order_lines", later.assign(line_id=range(10 ** 6, 10 ** 6 + len(later))))
        ws.build_marts()
        at = open_page(ws)
        assert any("Result." in i.value and "held back" in i.value for i in at.info)
        assert statuses(ws)[insight_id]["status"] == "acted"
    finally:
        ws.close()
