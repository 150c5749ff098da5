"""Every page that shows money states revenue's definition; the Upload page shows Shopify's sales-report lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.ingest import ingest_files
from insights.ui.session import WORKSPACE_KEY
from tests.ingest.shopify_export import write_export

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop(tmp_workspace, tmp_path):
    report = ingest_files(tmp_workspace, [write_export(tmp_path)])
    return tmp_workspace, report


def run_page(name: str, ws, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value.replace("\\", "") for c in at.caption]     # the caption is markdown-escaped


@pytest.mark.parametrize("page", ["kpis.py", "cohorts.py"])
def test_pages_that_follow_the_definition_state_it(shop, page):
    at = run_page(page, shop[0])
    assert any(c.startswith("Revenue: net of discounts, excl. tax and shipping") for c in captions(at)), captions(at)


@pytest.mark.parametrize("page", ["segments.py", "clv.py", "churn.py", "profile.py"])
def test_pages_that_sum_order_lines_say_so(shop, page):
    at = run_page(page, shop[0])
    assert any(c.startswith("Revenue here: the order lines' quantity × unit price") for c in captions(at)), \
        captions(at)


def test_changing_the_definition_on_the_kpi_page_changes_the_caption(shop):
    ws = shop[0]
    at = run_page("kpis.py", ws)
    at.radio(key="revenue_tax").set_value("include")
    at.button(key="revenue_save").click()
    at.run()
    assert not at.exception
    assert ws.setting("revenue_tax") == "include"
    assert any(c.startswith("Revenue: net of discounts, incl. tax, excl. shipping") for c in captions(at))


def test_upload_page_shows_shopifys_sales_report_lines(shop):
    ws, report = shop
    at = run_page("upload.py", ws, clueboard_last_report=report)
    frames = [d.value for d in at.dataframe if list(d.value.columns) == ["Line", "Amount"]]
    assert frames, "no reconciliation table"
    lines = dict(zip(frames[0]["Line"], frames[0]["Amount"]))
    assert lines["Gross sales"] == pytest.approx(67.00) and lines["Total sales"] == pytest.approx(49.90)
