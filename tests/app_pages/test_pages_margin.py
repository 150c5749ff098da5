"""AppTest: the KPI page's gross margin card, with no cost data (it says "revenue-based"), with a catalog's unit
costs (hand-checked), and with a default margin the owner sets on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.core.workspace import Workspace
from insights.ingest import ingest_files
from insights.ui.session import WORKSPACE_KEY
from tests.app_pages.helpers import ROOT, open_page

CORPUS = Path(__file__).resolve().parents[1] / "ingest" / "vendor_exports"
# one product only (cost 8.40 in plain_catalog_sheet.csv), so every month's margin is (24 − 8.40) / 24 = 65.0%
ORDERS = "Order ID,Order Date,Customer ID,SKU,Quantity,Unit price\n" + "".join(
    f"A{m}{d},2024-0{m}-{d:02d},C{d},MM-MON-6,1,24.00\n" for m in (1, 2, 3) for d in (3, 17))


@pytest.fixture
def orders(tmp_path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    return path


def _metric(at, label):
    found = [m for m in at.metric if m.label == label]
    return found[0] if found else None


def test_margin_card_says_revenue_based_without_costs_then_follows_the_default(orders):
    ws = Workspace.in_memory("no-costs")
    ingest_files(ws, [orders])
    at = open_page("kpis.py", ws)
    assert _metric(at, "Gross margin").value == "revenue-based"
    assert _metric(at, "Gross margin %") is None
    assert any("revenue-based" in c.value for c in at.caption)
    at.number_input(key="kpi_default_margin").set_value(40.0)
    at.button(key="kpi_default_margin_save").click().run()
    assert not at.exception
    assert _metric(at, "Gross margin %").value == "40.0%"
    assert _metric(at, "Gross margin").value == "19.20"      # no currency in the file; 2 orders × 24.00 × 40% in the month shown
    ws.close()


def test_margin_card_from_unit_costs(orders):
    ws = Workspace.in_memory("costs")
    ingest_files(ws, [orders, CORPUS / "plain_catalog_sheet.csv"])
    at = open_page("kpis.py", ws)
    assert _metric(at, "Gross margin %").value == "65.0%"
    assert _metric(at, "Gross margin").value == "31.20"      # 2 × (24.00 − 8.40)
    assert any("product unit costs \\(100% of product revenue" in c.value for c in at.caption)   # markdown-escaped
    ws.close()


def test_segment_builder_high_revenue_low_margin_and_gross_margin_by_segment(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer ID,SKU,Quantity,Unit price\n"
                    "B1,2024-03-01,BIG-LOW,MM-SOIL-5,10,5.00\n"     # 50.00 spent, cost 46.00: 8%
                    "B2,2024-03-02,BIG-HIGH,MM-MON-6,2,25.00\n"     # 50.00 spent, cost 16.80: 66.4%
                    "B3,2024-03-03,SMALL-LOW,MM-SOIL-5,1,5.00\n")   # 5.00 spent: 8%
    bare = Workspace.in_memory("bare")
    ingest_files(bare, [path])
    at = open_page("segments.py", bare)
    assert any("revenue-based" in c.value for c in at.caption)          # gross margin by segment: none
    at.session_state["seg_tab"] = "Segment builder & export"
    at.run()
    assert not at.exception and not [n for n in at.number_input if n.key == "seg_b_margin_max"]
    assert any(c.value.startswith("Gross margin filters: Margin: revenue-based") for c in at.caption)
    costed = Workspace.in_memory("costed")
    ingest_files(costed, [path, CORPUS / "plain_catalog_sheet.csv"])
    at = open_page("segments.py", costed)
    contribution = next(d.value for d in at.dataframe if "gross_margin" in d.value.columns)
    assert round(contribution["gross_margin"].sum(), 2) == round(50 - 46 + 50 - 16.80 + 5 - 4.60, 2)
    at.session_state["seg_tab"] = "Segment builder & export"
    at.run()
    at.number_input(key="seg_b_spend").set_value(40.0)
    at.number_input(key="seg_b_margin_max").set_value(20.0).run()
    assert not at.exception
    assert at.metric[0].value == "1"                                     # BIG-LOW only
    bare.close()
    costed.close()


def test_profile_shows_the_customers_gross_margin_or_revenue_based(orders):
    ws = Workspace.in_memory("profile-margin")
    ingest_files(ws, [orders])
    at = AppTest.from_file(str(ROOT / "app_pages" / "profile.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.query_params["customer"] = "C3"
    at.run()
    assert not at.exception and _metric(at, "Gross margin").value == "revenue-based"
    ingest_files(ws, [CORPUS / "plain_catalog_sheet.csv"])
    at.run()
    shown = _metric(at, "Gross margin")
    assert shown.value == "46.80" and shown.delta.startswith("65%")     # C3: 3 orders × (24.00 − 8.40) = 46.80
    ws.close()
