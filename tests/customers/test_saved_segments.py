"""Named, saved segments (save, reopen after an upload, compare, delete) and exports in Mailchimp's and Klaviyo's
import columns, named after the segment."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys

import openpyxl
import pytest

from insights.customers import email_tools, export, saved_segments
from insights.customers.segment_builder import SegmentSpecError
from tests.customers.test_segments import LINES, line
from tests.helpers import insert_rows, workspace_from_tables

CRM = [dict(customer_id="c2", name="Bob  van der Berg", email="bob@example.com", consent_email=True),
       dict(customer_id="c5", name="Eve", email="eve@example.com", consent_email=True),
       dict(customer_id="c1", name="=cmd|' /C calc'!A0 Tea", email="ann@example.com", consent_email=False)]
GERMANY = [("country", "in", ["Germany"])]


@pytest.fixture
def shop():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    yield ws
    ws.close()


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_segment_is_saved_listed_reopened_and_deleted(shop):
    assert saved_segments.saved(shop) == []
    kept = saved_segments.save(shop, "  VIP   Germany ", GERMANY + [("last_order_date", "ge", dt.date(2024, 3, 1))])
    assert kept.name == "VIP Germany"                       # spacing tidied, case kept
    again = saved_segments.get(shop, "vip germany")           # found ignoring case
    assert again.spec == [("country", "in", ["Germany"]), ("last_order_date", "ge", "2024-03-01")]
    assert again.description == "Country is any of Germany and Last order date on or after 2024-03-01"
    with pytest.raises(saved_segments.SavedSegmentError, match="already exists"):
        saved_segments.save(shop, "VIP GERMANY", GERMANY)
    replaced = saved_segments.save(shop, "VIP GERMANY", GERMANY, replace=True)
    assert [s.name for s in saved_segments.saved(shop)] == ["VIP GERMANY"]
    assert replaced.created_at == kept.created_at and replaced.spec == GERMANY
    saved_segments.delete(shop, "vip germany")
    assert saved_segments.saved(shop) == []
    with pytest.raises(saved_segments.SavedSegmentError, match="No saved segment named 'gone'"):
        saved_segments.delete(shop, "gone")


@pytest.mark.parametrize("name, spec, message", [
    ("", GERMANY, "Give the segment a name"),
    ("x" * 81, GERMANY, "at most 80 characters"),
    ("at risk", GERMANY, "built-in segment"),            # an RFM segment's and a lifecycle stage's name
    ("Champions", GERMANY, "built-in segment"),
    ("Nobody", [], "no filters"),
])
def test_names_and_specs_that_cannot_be_saved_say_why(shop, name, spec, message):
    with pytest.raises(saved_segments.SavedSegmentError, match=message):
        saved_segments.save(shop, name, spec)


def test_an_invalid_filter_is_refused_before_anything_is_written(shop):
    with pytest.raises(SegmentSpecError, match="unknown field"):
        saved_segments.save(shop, "Odd", [("shoe_size", "ge", 42)])
    assert saved_segments.saved(shop) == []


def test_a_saved_segment_selects_who_matches_it_after_the_next_upload(shop):
    saved_segments.save(shop, "Germany", GERMANY)
    before = export.segment_contacts(shop, "Germany", include_without_consent=True)
    assert sorted(before.rows["customer_id"]) == ["c2", "c5"]
    insert_rows(shop, "order_lines", [line("F1", "c6", "2024-03-31 10:00", 70, country="Germany",
                                           email="finn@example.com")])
    shop.build_marts()
    after = export.segment_contacts(shop, "germany", include_without_consent=True)
    assert sorted(after.rows["customer_id"]) == ["c2", "c5", "c6"]
    assert after.segment == "Germany"


def test_mailchimp_and_klaviyo_files_carry_their_import_columns_and_honour_consent(shop):
    saved_segments.save(shop, "Tea, coffee & more", [("orders", "ge", 1)])
    mailchimp = export.export_segment(shop, "Tea, coffee & more", "csv", layout="mailchimp")
    rows = read_csv(mailchimp.data)
    assert list(rows[0]) == ["Email Address", "First Name", "Last Name", "Country", "Orders", "Total Spent",
                             "Last Order Date", "Tags"]
    by_email = {r["Email Address"]: r for r in rows}
    assert set(by_email) == {"bob@example.com", "eve@example.com"}        # Ann said no; Cara was never asked
    assert (by_email["bob@example.com"]["First Name"], by_email["bob@example.com"]["Last Name"]) == ("Bob",
                                                                                                     "van der Berg")
    assert by_email["eve@example.com"]["Last Name"] == ""                 # a one-word name is a first name
    assert by_email["bob@example.com"]["Tags"] == "Tea coffee & more"     # a comma would split Mailchimp's tag
    assert mailchimp.left_out_for_consent == 2 and mailchimp.segment == "Tea, coffee & more"

    everyone = export.export_segment(shop, "Tea, coffee & more", "xlsx", include_without_consent=True,
                                     layout="klaviyo")
    sheet = openpyxl.load_workbook(io.BytesIO(everyone.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Email", "First Name", "Last Name"] and header[-1] == "Segment"
    first_names = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert first_names["ann@example.com"] == "=cmd|'"                     # typed text in XLSX: never a formula
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_a_formula_in_a_name_is_neutralised_in_the_email_tool_csv(shop):
    data = export.export_segment(shop, [("orders", "ge", 1)], "csv", include_without_consent=True,
                                 layout="mailchimp").data
    ann = [r for r in read_csv(data) if r["Email Address"] == "ann@example.com"][0]
    assert ann["First Name"] == "'=cmd|'"


def test_mailchimp_is_csv_only_and_unknown_tools_are_refused(shop):
    with pytest.raises(export.ExportError, match="Mailchimp imports CSV"):
        export.export_segment(shop, "Champions", "xlsx", layout="mailchimp")
    with pytest.raises(export.ExportError, match="unknown e-mail tool"):
        export.export_segment(shop, "Champions", "csv", layout="sendgrid")


def test_unknown_names_list_the_saved_segments_too(shop):
    saved_segments.save(shop, "Germany", GERMANY)
    with pytest.raises(export.ExportError, match=r"Known segments: .*Germany"):
        export.resolve_segment("Nope", shop)


def test_file_names_follow_the_segment_and_the_tool():
    day = dt.date(2026, 12, 3)
    assert email_tools.file_name("VIP Germany", "mailchimp", "csv", day) == "vip-germany-mailchimp-2026-12-03.csv"
    assert email_tools.file_name("../../etc/passwd", "clueboard", "xlsx", day) == "etc-passwd-2026-12-03.xlsx"
    assert email_tools.file_name("★★★", "klaviyo", "csv", day) == "segment-klaviyo-2026-12-03.csv"


def test_compare_saved_puts_segments_side_by_side(shop):
    saved_segments.save(shop, "Germany", GERMANY)
    saved_segments.save(shop, "Repeat", [("orders", "ge", 2)])
    figures = saved_segments.compare_saved(shop, ["Germany", "Repeat"])
    assert list(figures.columns) == ["Germany", "Repeat"]
    assert figures.loc["Customers", "Germany"] == 2 and figures.loc["Customers", "Repeat"] == 2   # c2, c5 / c1, c3
    assert figures.loc["Net revenue", "Germany"] == pytest.approx(90.0)                       # 50 + 40
    assert figures.loc["Net revenue", "Repeat"] == pytest.approx(70.0)                        # 60 + 10
    assert figures.loc["Repeat-purchase rate", "Repeat"] == 1.0


def test_builder_state_reopens_every_filter_the_builder_offers():
    spec = [("country", "in", ["Germany"]), ("orders", "ge", 2.0), ("net_revenue", "ge", 50),
            ("last_order_date", "ge", "2024-03-01"), ("consent_email", "is", True), ("aov", "le", 80)]
    state, not_shown = saved_segments.builder_state(spec)
    assert state["seg_b_country"] == ["Germany"] and state["seg_b_orders"] == 2 and state["seg_b_spend"] == 50.0
    assert state["seg_b_since"] == dt.date(2024, 3, 1) and state["seg_b_consent"] is True
    assert state["seg_b_channel"] == [] and not_shown == ["Average order value at most 80"]


def test_cli_exports_a_saved_segment_for_mailchimp(tmp_path, sample_workspace):
    saved_segments.save(sample_workspace, "Big spenders", [("net_revenue", "ge", 500)])
    path = sample_workspace.path
    sample_workspace.close()
    out = tmp_path / "big.csv"
    done = subprocess.run([sys.executable, "-m", "insights", "export", "segment", "big spenders", "--workspace",
                           str(path), "--out", str(out), "--for", "mailchimp"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = read_csv(out.read_bytes())
    assert rows and list(rows[0])[:3] == ["Email Address", "First Name", "Last Name"]
    assert "of 'Big spenders'" in done.stdout
    refused = subprocess.run([sys.executable, "-m", "insights", "export", "segment", "big spenders", "--workspace",
                              str(path), "--out", str(tmp_path / "big.xlsx"), "--for", "mailchimp"],
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "Mailchimp imports CSV" in refused.stderr
