"""In Chromium, on the sample shop: build a segment, save it with a name, find it in the Saved segments tab and
download it for Mailchimp — a CSV named after the segment with Mailchimp's import columns (issue 12)."""

import csv
import io
import re

import pytest

from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_save_a_segment_and_export_it_for_mailchimp(app_server, page):
    page.goto(f"{app_server}/segments")
    wait_for_app(page)
    page.get_by_role("tab", name="Segment builder & export").click()
    wait_for_app(page)
    no_exception(page)
    page.get_by_label("At least this many orders").fill("4")
    page.get_by_label("At least this many orders").press("Enter")
    wait_for_app(page)
    page.get_by_text("Save this segment with a name").click()
    page.get_by_label("Segment name", exact=True).fill("Loyal regulars")
    page.get_by_label("Segment name", exact=True).press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Save segment").click()
    wait_for_app(page)
    no_exception(page)
    assert page.get_by_text("Saved as “Loyal regulars”").count() == 1

    page.get_by_role("tab", name="Saved segments").click()
    wait_for_app(page)
    no_exception(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Loyal regulars" in body and "Orders at least 4" in body
    shown = int(re.search(r"Customers in the segment now\s+([\d,]+)", body).group(1).replace(",", ""))
    assert shown > 0
    page.locator('[data-testid="stMain"]').get_by_text("Mailchimp", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Also include customers who did not consent").last.click()
    wait_for_app(page)
    screenshot(page, "saved_segments")
    button = page.get_by_role("button", name=re.compile(r"Download CSV \(")).last
    assert page.get_by_role("button", name=re.compile(r"Download XLSX")).count() == 0   # Mailchimp: CSV only
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert re.fullmatch(r"loyal-regulars-mailchimp-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert list(rows[0])[:3] == ["Email Address", "First Name", "Last Name"]
    assert {r["Tags"] for r in rows} == {"Loyal regulars"}
    assert 0 < len(rows) <= shown
