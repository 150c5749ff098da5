"""AppTest drives the KPI scorecard and the cohort heatmaps on a tiny shop put into the session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.performance import kpis
from insights.ui.session import WORKSPACE_KEY
from tests.helpers import workspace_from_tables
from tests.performance.test_kpis import EVENTS, FEEDBACK, LINES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop():
    ws = workspace_from_tables(order_lines=LINES, events=EVENTS, feedback=FEEDBACK)
    yield ws
    ws.close()


def open_page(name: str, ws) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def test_kpi_page_shows_the_last_complete_month_and_follows_the_period(shop):
    at = open_page("kpis.py", shop)
    revenue = metric(at, "Net revenue")           # February: the only complete month
    assert revenue.value == "€27.00" and revenue.delta == "-€23.00"
    assert revenue.proto.delta_description == "vs Jan 2024"      # the card says what it compares against
    captions = " ".join(c.value for c in at.caption)
    assert "Same month last year (February 2023): —" in captions
    assert "Too little history to say whether this change is unusual." in captions   # two months of data
    assert metric(at, "NPS").value == "+25"
    assert any("Revenue fell 46% vs January 2024" in m.value for m in at.markdown)
    at.radio(key="kpi_period").set_value("Quarter").run()
    assert not at.exception
    assert metric(at, "Net revenue").value == "€85.00"   # Q1 2024 so far: 50 + 27 + 8
    at.radio(key="kpi_period").set_value("Custom range").run()
    assert not at.exception and "The last 30 days of your data" in " ".join(c.value for c in at.caption)
    at.query_params.update({"from": "2024-02-01", "to": "2024-02-14"})   # the sidebar's dates, in the link
    at.run()
    assert not at.exception
    assert metric(at, "Orders").value == "3"


def test_kpi_page_opens_on_the_dates_of_a_link_and_shrugs_off_hostile_ones(shop):
    at = AppTest.from_file(str(ROOT / "app_pages" / "kpis.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = shop
    at.query_params.update({"from": "2024-02-01", "to": "2024-02-14"})
    at.run()
    assert not at.exception
    assert at.radio(key="kpi_period").value == "Custom range"      # a shared link opens the same period
    assert metric(at, "Orders").value == "3"
    for hostile in ({"from": "<script>alert(1)</script>", "to": "2024-02-14' OR 1=1"},
                    {"from": "9999-99-99", "to": "0000-00-00"}, {"from": "2024-02-30"}, {"from": "1" * 5000}):
        at = AppTest.from_file(str(ROOT / "app_pages" / "kpis.py"), default_timeout=60)
        at.session_state[WORKSPACE_KEY] = shop
        at.query_params.update(hostile)
        at.run()
        assert not at.exception, hostile
        assert at.radio(key="kpi_period").value == "Month", hostile   # not read: the page's usual month


def test_kpi_page_saves_a_target_and_judges_it(shop):
    at = open_page("kpis.py", shop)
    at.selectbox(key="kpi_target_kpi").set_value("net_revenue")
    at.number_input(key="kpi_target_value").set_value(20.0)
    at.button(key="kpi_target_save").click().run()
    assert not at.exception
    assert kpis.target_for(kpis.targets(shop, "month"), "net_revenue", dt.date(2024, 2, 1)) == 20.0
    assert any("Target: €20.00 ✅ met" in c.value for c in at.caption)


def test_cohort_page_heatmap_table_download_and_split(shop):
    at = open_page("cohorts.py", shop)
    frames = at.dataframe
    assert frames and list(frames[0].value.index) == ["2024-01", "2024-02", "Average"]
    assert frames[0].value.loc["2024-01", "1"] == pytest.approx(50.0)   # half of January came back in February
    at.selectbox(key="cohort_split").set_value("channel").run()
    assert not at.exception
    at.selectbox(key="cohort_metric").set_value("ltv").run()
    assert not at.exception
    assert at.selectbox(key="cohort_split_value_channel").options  # one heatmap per channel
    at.selectbox(key="cohort_grain").set_value("week").run()
    assert not at.exception


def test_cohort_ltv_heatmap_adds_predicted_cells_from_the_clv_model(sample_workspace):
    import json
    at = open_page("cohorts.py", sample_workspace)
    at.selectbox(key="cohort_metric").set_value("ltv").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("predicted, not observed" in c.value for c in at.caption)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    predicted = [t for t in spec["data"] if t.get("colorscale") and "Oranges" in json.dumps(t["colorscale"])
                 or t.get("name") == "predicted"]
    assert predicted, [t.get("name") for t in spec["data"]]
    texts = [c for row in predicted[0]["text"] for c in row if c]
    assert texts and all(c.startswith("≈") for c in texts)
    at.toggle(key="cohort_predict").set_value(False).run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not any(t.get("name") == "predicted" for t in spec["data"])


def test_why_revenue_changed_shows_customer_supplied_names_as_typed():
    from tests.performance.test_kpis import line
    lines = [dict(row, category="[Win a prize](http://x.example)", channel="**Cat**") for row in LINES]
    lines.append(line("Z9", "c9", "2024-02-10 10:00", 5, "40", channel="**Cat**", country="DE",
                      category="[Win a prize](http://x.example)"))
    ws = workspace_from_tables(order_lines=lines, events=EVENTS, feedback=FEEDBACK)
    try:
        at = open_page("kpis.py", ws)
        sources = [m.value for m in at.markdown]
        assert any(r"\[Win a prize\]\(http\://x.example\)" in s for s in sources)
        assert not any("](http://x.example)" in s for s in sources)
        assert not any("**Cat**" in s for s in sources)
    finally:
        ws.close()
