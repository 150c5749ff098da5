"""The sidebar's date filter is carried by the link: a shared link opens the same period, a hostile one is dropped."""

import urllib.parse

import pytest

from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def query(page) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


def test_a_link_with_dates_opens_that_period_and_keeps_it_across_pages(app_server, page):
    page.goto(f"{app_server}/kpis?from=2025-01-01&to=2025-03-31")
    wait_for_app(page)
    no_exception(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "Showing 01 Jan 2025 – 31 Mar 2025" in sidebar.inner_text()
    main = page.locator('[data-testid="stMain"]')
    assert "The sidebar's dates: 01 Jan 2025 – 31 Mar 2025" in main.inner_text()
    assert page.get_by_role("radio", name="Custom range").is_checked()
    screenshot(page, "date-link-kpis")
    # another page starts from a bare link: the session puts its dates back into it, so copying it shares them
    sidebar.get_by_role("link", name="Overview").click()
    wait_for_app(page)
    no_exception(page)
    page.wait_for_function("() => location.search.includes('from=2025-01-01')", timeout=30_000)
    assert query(page) == {"from": "2025-01-01", "to": "2025-03-31"}
    assert "Showing 01 Jan 2025 – 31 Mar 2025" in sidebar.inner_text()
    assert "01 Jan 2025 – 31 Mar 2025 (the sidebar's dates)" in main.inner_text()   # the Overview's figures


def test_a_hostile_link_is_dropped_with_a_notice(app_server, page):
    bad = urllib.parse.urlencode({"from": "<img src=x onerror=alert(1)>", "to": "9999-99-99"})
    page.goto(f"{app_server}/kpis?{bad}")
    wait_for_app(page)
    no_exception(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "could not be read or lie outside your data: showing all dates" in sidebar.inner_text()
    assert "All dates: " in sidebar.inner_text()
    assert page.locator("img[src=x]").count() == 0
    page.wait_for_function("() => !location.search.includes('from=')", timeout=30_000)
    assert page.get_by_role("radio", name="Month").is_checked()
    screenshot(page, "date-link-hostile")
