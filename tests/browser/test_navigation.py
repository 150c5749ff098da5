"""Every page opens directly by its URL in a real browser, on the sample shop, without an exception."""

import pytest

from tests.browser.clipping import check_widths, unfinished
from tests.browser.conftest import no_exception, screenshot, serve_app, wait_for_app

pytestmark = pytest.mark.browser

# url_path -> a text the page shows once its data is computed (a title or a figure's label)
PAGES = {
    "insights": "Insights",
    "home": "Net revenue",
    "upload": "Upload data",
    "profile": "Customer profile",
    "segments": "Segment",
    "cohorts": "Cohort",
    "kpis": "KPI scorecard",
    "churn": "Churn watchlist",
    "clv": "Customer value",
    # the voice of the customer and the funnel read the sample's planted stories
    "feedback": "After a late delivery the average score is",
    "funnel": "reached “Purchase”",
    "products": "Products",
    "experiments": "Experiments",
    "privacy": "Erase a customer",
}


@pytest.mark.parametrize("url_path,expected", PAGES.items())
def test_page_opens_by_url(app_server, page, url_path, expected):
    page.goto(f"{app_server}/{url_path}")
    wait_for_app(page)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert expected.lower() in main.inner_text().lower()
    screenshot(page, f"page-{url_path}")
    # no title, label or figure cut off at the widths of a laptop (issue 12's clipped-text sweep)
    cut = {width: found for width, found in check_widths(page, f"width-{url_path}").items() if found}
    assert not cut, cut
    assert not unfinished(page), unfinished(page)      # no None, nan or 00:00:00 shown as a value


def test_a_bookmark_is_the_first_request_of_a_fresh_server(browser, tmp_path):
    """No ``pages/`` folder, so Streamlit never runs a page without the router: the very first request of a new
    server, a bookmark of the KPI page, gets app.py's sidebar and the KPI page itself."""
    with serve_app(tmp_path) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            page.goto(f"{url}/kpis")
            wait_for_app(page)
            no_exception(page)
            assert "KPI scorecard" in page.locator('[data-testid="stMain"]').inner_text()
            assert "Workspace" in page.locator('[data-testid="stSidebar"]').inner_text()
            assert page.url.rstrip("/").endswith("/kpis")
            screenshot(page, "deep-link-first-request")
        finally:
            context.close()
