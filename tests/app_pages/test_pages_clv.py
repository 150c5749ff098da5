"""AppTest runs the Customer value page: readiness notice on a tiny shop, the full flow on a simulated one."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.predictions import clv
from insights.ui.session import WORKSPACE_KEY
from tests.helpers import workspace_from_tables
from tests.predictions.test_clv import line, simulated_lines

ROOT = Path(__file__).resolve().parents[2]


def open_page(ws) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "clv.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def shop_lines():
    return simulated_lines()


def test_too_little_data_says_what_is_missing():
    ws = workspace_from_tables(order_lines=[line("A1", "A", "2024-01-01", 10), line("A2", "A", "2024-02-01", 10),
                                            line("B1", "B", "2024-01-05", 10)])
    at = open_page(ws)
    assert any("Not enough data" in w.value and "at least 50" in w.value for w in at.warning)
    assert not at.metric
    ws.close()


def test_page_fits_backtests_and_links_to_profiles(shop_lines):
    ws = workspace_from_tables(order_lines=shop_lines)
    at = open_page(ws)
    labels = [m.label for m in at.metric]
    assert "Value of all customers" in labels
    assert any(m.value.startswith("Fitted on ") and "repeat orders" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert table["profile"].str.startswith("/profile?customer=").all()
    assert table["clv"].is_monotonic_decreasing
    assert clv.load_scores(ws) is not None                  # scores stored for the profile and segment pages
    overdue = next(m for m in at.metric if m.label == "Overdue for their next order")
    assert int(overdue.value.replace(",", "")) > 0 and at.get("download_button")
    total = next(m for m in at.metric if m.label == "Value of all customers").value
    at.select_slider(key="clv_horizon").set_value(90).run()
    assert not at.exception
    shorter = next(m for m in at.metric if m.label == "Value of all customers").value
    assert float(shorter.replace(",", "")) < float(total.replace(",", ""))
    ws.close()


def test_a_one_time_buyer_shop_is_told_the_model_does_not_apply():
    from tests.predictions.test_clv_applies import one_time_shop_lines
    ws = workspace_from_tables(order_lines=one_time_shop_lines())
    at = open_page(ws)
    assert any("does not apply here" in w.value and "40 of your 1,500 customers" in w.value for w in at.warning)
    assert not at.metric and not at.dataframe                # no per-customer values
    assert any("cohort tables" in m.value for m in at.markdown)
    ws.close()
