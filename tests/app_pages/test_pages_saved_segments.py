"""AppTest: a segment built in the Segmentation explorer is saved with a name, compared, reopened in the builder,
exported for Mailchimp (CSV only, named after the segment) and deleted."""

from __future__ import annotations

import pytest

from insights.customers import saved_segments
from tests.app_pages.test_pages_segments_profile import CRM, open_page
from tests.customers.test_segments import LINES
from tests.helpers import workspace_from_tables


@pytest.fixture
def shop():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    yield ws
    ws.close()


def test_save_compare_reopen_export_and_delete_a_segment(shop):
    at = open_page("segments.py", shop)
    at.session_state["seg_tab"] = "Saved segments"
    at.run()
    assert not at.exception
    assert any("No saved segments yet" in i.value for i in at.info)

    at.session_state["seg_tab"] = "Segment builder & export"
    at.run()
    at.multiselect(key="seg_b_country").set_value(["Germany"]).run()
    at.text_input(key="seg_save_name").input("**Big** <b>Germany</b>").run()
    at.button(key="seg_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.name for s in saved_segments.saved(shop)] == ["**Big** <b>Germany</b>"]
    success = at.success[0].value
    assert r"\*\*Big\*\*" in success and "<b>" not in success.replace(r"\<b\>", "")   # shown as typed, escaped
    # Germany is Bob (said no) and Eve (never asked): nobody may be e-mailed until the box is ticked
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV (0 customers)",
                                                                   "Download XLSX (0 customers)"]

    at.text_input(key="seg_save_name").input("Repeat buyers").run()
    at.multiselect(key="seg_b_country").set_value([]).run()
    at.number_input(key="seg_b_orders").set_value(2).run()
    at.button(key="seg_save").click().run()
    assert len(saved_segments.saved(shop)) == 2

    at.session_state["seg_tab"] = "Saved segments"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = [d.value for d in at.dataframe if "Repeat buyers" in d.value.columns][0]
    assert table.loc["Customers", "Repeat buyers"] == "2" and table.loc["Customers", "**Big** <b>Germany</b>"] == "2"

    at.selectbox(key="seg_saved_pick").set_value("**Big** <b>Germany</b>").run()
    assert at.metric[0].value == "2"
    at.radio(key="seg_saved_export_layout").set_value("mailchimp").run()
    buttons = list(at.get("download_button"))
    assert [b.proto.label for b in buttons] == ["Download CSV (0 customers)"]       # Mailchimp: CSV only
    at.checkbox(key="seg_saved_export_all").check().run()
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV (2 customers)"]

    # reopening puts the saved filters back into the builder and switches to it
    at.button(key="seg_saved_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["seg_tab"] == "Segment builder & export"
    assert at.multiselect(key="seg_b_country").value == ["Germany"]
    assert at.metric[0].value == "2"

    at.session_state["seg_tab"] = "Saved segments"
    at.run()
    at.selectbox(key="seg_saved_pick").set_value("Repeat buyers").run()
    at.button(key="seg_saved_delete").click().run()
    assert [s.name for s in saved_segments.saved(shop)] == ["**Big** <b>Germany</b>"]
