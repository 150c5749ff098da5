"""AppTest runs the Acquisition page: the empty state names the file that would fill it; with spend, the sentence,
the table, the chart and an edit of the channel map that is remembered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from insights.acquisition import channels as channel_map
from insights.ui.session import WORKSPACE_KEY
from tests.helpers import insert_rows, workspace_from_tables

ROOT = Path(__file__).resolve().parents[2]


def open_page(ws) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "acquisition.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shop():
    lines = [dict(order_id=str(i), customer_id=c, ordered_at=dt.datetime(2024, m, 3 + i), quantity=1, unit_price=p,
                  revenue=p) for i, (c, m, p) in enumerate((("A", 1, 40), ("B", 1, 30), ("C", 2, 50), ("A", 2, 20),
                                                             ("D", 2, 60)))]
    crm = [dict(customer_id=c, channel=ch) for c, ch in (("A", "Paid Social"), ("B", "Paid Social"),
                                                          ("C", "Paid Search"), ("D", "Organic"))]
    return workspace_from_tables(order_lines=lines, customer_records=crm)


def test_without_spend_the_page_names_the_file_that_would_fill_it():
    ws = _shop()
    at = open_page(ws)
    assert at.info and "No marketing spend is loaded yet" in at.info[0].value
    assert "Google Ads campaign report" in at.info[0].value and "Meta Ads Manager export" in at.info[0].value
    assert not at.dataframe and not at.metric
    ws.close()


def test_with_spend_the_page_says_what_customers_cost_and_remembers_a_channel_edit():
    ws = _shop()
    insert_rows(ws, "spend", [
        dict(spend_id=i, source_file="f", source_row=i + 2, period_start=dt.date(2024, m, 1),
             period_end=dt.date(2024, m, 28), channel=label, amount=Decimal(amount), currency=None)
        for i, (m, label, amount) in enumerate(((1, "Meta Ads", 50), (2, "Google Ads Search", 45), (2, "Podcast", 20)))])
    at = open_page(ws)
    # the files state no currency: amounts are shown without a symbol
    assert any(m.value.startswith("#### Paid Social customers cost 25 and have brought 45 each") for m in at.markdown)
    table = at.dataframe[0].value.set_index("Channel")
    assert table.loc["Paid Social", "Cost per new customer"] == "25.00"
    assert table.loc["Paid Search", "Cost per new customer"] == "45.00"
    assert table.loc["Organic", "Cost per new customer"] == "no spend" and table.loc["Organic", "Value ÷ cost"] == ""
    assert any("“Podcast”" in c.value and "matches none of the shop" in c.value for c in at.caption)
    assert [m.label for m in at.metric] == ["Marketing spend", "New customers", "Blended CAC", "Paid CAC"]
    assert channel_map.choose(["Podcast"], ["Organic"], channel_map.saved_map(ws))["Podcast"].channel is None
    channel_map.remember(ws, "Podcast", "Organic")     # as the editor does on a change
    at.run()
    assert not at.exception
    assert at.dataframe[0].value.set_index("Channel").loc["Organic", "Spend"] == "20"
    ws.close()


def test_a_spend_file_uploads_on_the_upload_page_as_marketing_spend(tmp_path, monkeypatch):
    from insights.core.workspace import Workspace
    from insights.ui.session import SAMPLE_FLAG_KEY
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    ws = Workspace.create("Shop", root=tmp_path / "home" / "workspaces")
    at = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.session_state[SAMPLE_FLAG_KEY] = False
    at.run()
    budget = (ROOT / "tests" / "ingest" / "vendor_exports" / "monthly_marketing_budget.csv").read_bytes()
    at.file_uploader[0].set_value([("budget.csv", budget, "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert next(s for s in at.selectbox if s.label == "This file is").value == "spend"
    next(b for b in at.button if b.label.startswith("Load")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert ws.row_counts()["spend"] == 8
    ws.close()
