"""The insight report opens offline in Chromium: every request but the file itself is blocked, and its charts
(SVG data URIs) still draw; the Insights page hands out the same report by its download button."""

import pytest

from insights.core.workspace import Workspace
from insights.feed.digest import report_bytes
from tests.browser.conftest import no_exception, screenshot, wait_for_app
from tests.feed.shops import simulate
from tests.helpers import insert_rows

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline")
    ws = Workspace.create("Offline shop", root=folder / "workspaces")
    try:
        insert_rows(ws, "order_lines", simulate(1, "stockout", orders_per_day=40)["order_lines"])
        ws.build_marts()
        path = folder / "report.html"
        path.write_bytes(report_bytes(ws, "html"))
    finally:
        ws.close()
    return path


def test_the_html_report_opens_offline_with_its_charts(browser, report_file):
    context = browser.new_context(viewport={"width": 1000, "height": 900}, offline=True)
    blocked = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    try:
        page.goto(report_file.as_uri())
        page.wait_for_load_state("load")
        assert "Revenue in October 2024 was" in page.inner_text("body")
        drawn = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        assert len(drawn) >= 2 and all(drawn)
        assert blocked == []
        screenshot(page, "report-offline")
    finally:
        context.close()


def test_the_insights_page_offers_the_report_for_download(app_server, page):
    page.goto(app_server)
    wait_for_app(page)
    no_exception(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the report (HTML)").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("<!DOCTYPE html>") and "data:image/svg+xml;base64," in text
