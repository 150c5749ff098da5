"""AppTest drives the Segmentation explorer (a segment filter, export) and the Customer profile (search, reveal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.ui.session import WORKSPACE_KEY
from tests.helpers import workspace_from_tables
from tests.customers.test_segments import LINES

ROOT = Path(__file__).resolve().parents[2]
CRM = [dict(customer_id="c1", name="Ann Tea", email="ann@example.com", phone="+4915123456789", consent_email=True),
       dict(customer_id="c2", name="Bob", email="bob@example.com", consent_email=False)]


@pytest.fixture
def shop():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    yield ws
    ws.close()


def open_page(name: str, ws, customer: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    if customer:
        at.query_params["customer"] = customer
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


def test_segments_page_filters_compares_and_exports(shop):
    at = open_page("segments.py", shop)
    summary = frame_with(at, "next_step")
    assert summary["customers"].sum() == 5
    # segments nobody falls in are named in a caption, not listed as rows of blanks
    assert (summary["customers"] > 0).all() and summary["aov"].notna().all()
    assert any(c.value.startswith("No customer falls in ") for c in at.caption)
    assert not at.metric                                   # only the open tab runs: the builder has not yet
    at.session_state["seg_tab"] = "Segment builder & export"
    at.run()
    assert not at.exception
    assert at.metric[0].value == "5"                       # builder: no filter yet, everyone
    at.multiselect(key="seg_b_country").set_value(["France"]).run()
    assert not at.exception
    assert at.metric[0].value == "2"
    compare = frame_with(at, "This segment")
    assert compare.loc["Customers", "This segment"] == "2" and compare.loc["Customers", "Everyone else"] == "3"
    buttons = [b for b in at.get("download_button")]
    labels = [b.proto.label for b in buttons]
    assert "Download CSV (1 customers)" in labels          # c1 consented; c3 unknown consent left out
    assert any("1 without email consent" in c.value for c in at.caption)
    at.checkbox(key="seg_export_all").check().run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download CSV (2 customers)" in labels and "Download XLSX (2 customers)" in labels


def test_profile_page_searches_and_masks_until_revealed(shop):
    at = open_page("profile.py", shop)
    at.text_input(key="profile_search").input("ann").run()
    assert not at.exception
    assert at.selectbox(key="profile_pick").value == "c1"
    at.button(key="profile_open").click().run()
    assert not at.exception
    assert at.query_params["customer"] == ["c1"] or at.query_params["customer"] == "c1"
    text = " ".join(m.value for m in at.markdown)
    assert "a•••@example.com" in text and "ann@example.com" not in text
    at.button(key="profile_reveal").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "ann@example.com" in text and "+4915123456789" in text
    # the lines carry no currency and the owner has not chosen one: amounts without a guessed symbol
    assert [m.value for m in at.metric][:3] == ["3", "60.00", "20.00"]   # money to the cent (core.numbers)


def test_profile_page_opened_by_link(shop):
    at = open_page("profile.py", shop, customer="c3")
    assert at.header[0].value == "Customer c3"
    assert frame_with(at, "kind")["kind"].tolist() == ["order", "order"]


def test_profile_page_shows_a_hostile_name_as_typed():
    crm = [dict(customer_id="c1", name="[Click me](http://evil.example) **now**", email="ann@example.com",
                city="![](http://tracker.example/p.gif)")]
    ws = workspace_from_tables(order_lines=LINES, customer_records=crm)
    try:
        at = open_page("profile.py", ws, customer="c1")
        assert at.header[0].value == r"\[Click me\]\(http\://evil.example\) \*\*now\*\*"
        location = [m.value for m in at.markdown if m.value.startswith("**Location:**")][0]
        assert r"\!\[\]\(http\://tracker.example/p.gif\)" in location
    finally:
        ws.close()


def test_lifecycle_and_cluster_tabs_run_and_an_edited_map_is_used(shop):
    at = open_page("segments.py", shop)
    at.session_state["seg_tab"] = "Lifecycle"
    at.run()
    assert not at.exception and frame_with(at, "new") is not None        # the transition matrix
    at.session_state["seg_tab"] = "Customer groups"
    at.run()
    groups = frame_with(at, "name")
    assert not at.exception and groups["customers"].sum() == 5
    assert any(m.value.startswith(f"- **{groups['name'].iloc[0]}** (") for m in at.markdown)
    analysts = [e for e in at.expander if e.label.startswith("For analysts")]
    assert analysts and any("k-means" in m.value for m in analysts[0].markdown)
    inside = {id(m) for m in analysts[0].markdown}
    assert not [m.value for m in list(at.markdown) + list(at.caption) if id(m) not in inside
                and ("k-means" in m.value or "silhouette" in m.value)]
    from insights.customers import segments
    table = segments.segment_map_frame()
    table.loc[table["name"] == "Lost", "name"] = "Gone"
    at.session_state[segments.SESSION_MAP_KEY] = segments.segment_map_from_frame(table)
    at.session_state["seg_tab"] = "RFM segments"
    at.run()
    assert not at.exception
    names = frame_with(at, "next_step").set_index("segment")
    assert names.loc["Gone", "customers"] == 1 and "Lost" not in names.index


def test_segments_page_shows_predicted_value_and_risk_once_fitted(sample_workspace):
    from insights.predictions import churn
    from insights.predictions import clv
    at = open_page("segments.py", sample_workspace)
    assert "mean_clv" not in frame_with(at, "segment").columns
    assert any("once the models have run" in c.value for c in at.caption)
    clv.run_clv(sample_workspace, with_backtest=False)
    churn.score_workspace(sample_workspace, with_bgnbd=False)
    at = open_page("segments.py", sample_workspace)
    table = frame_with(at, "mean_clv")
    assert {"mean_p_alive", "mean_churn_risk"} <= set(table.columns)
    filled = table[table["customers"] > 0]          # the table also lists segments nobody is in
    assert len(filled) >= 8 and filled["mean_clv"].notna().all() and filled["mean_churn_risk"].between(0, 1).all()


def test_segment_builder_offers_tags_and_late_orders_where_the_files_carry_them(tmp_path, tmp_workspace):
    from insights.ingest import prepare_file
    from insights.ingest.load.batch import load_prepared
    from tests.ingest.test_order_attributes import SHOP
    path = tmp_path / "orders.csv"
    path.write_text(SHOP, encoding="utf-8")
    load_prepared(tmp_workspace, [prepare_file(path)])
    at = AppTest.from_file(str(ROOT / "app_pages" / "segments.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = tmp_workspace
    at.session_state["seg_tab"] = "Segment builder & export"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value == "3"
    at.checkbox(key="seg_b_late").check().run()
    assert not at.exception and at.metric[0].value == "2"            # C1 and C2: their last order was late
    at.multiselect(key="seg_b_tag").set_value(["vip"]).run()
    assert not at.exception and at.metric[0].value == "1"


def test_segment_builder_without_order_attributes_offers_neither(shop):
    at = open_page("segments.py", shop)
    at.session_state["seg_tab"] = "Segment builder & export"
    at.run()
    assert not at.exception
    keys = {w.key for w in list(at.checkbox) + list(at.multiselect)}
    assert "seg_b_late" not in keys and "seg_b_tag" not in keys
