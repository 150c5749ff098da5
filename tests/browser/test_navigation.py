"""Every page opens directly by its URL in a real browser, on the sample shop, without an exception."""

import pytest

from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

# url_path -> a text the page shows once its data is computed (a title or a figure's label)
PAGES = {
    "home": "Net revenue",
    "upload": "Upload data",
    "profile": "Customer profile",
    "segments": "Segment",
    "cohorts": "Cohort",
    "kpis": "KPI scorecard",
    "churn": "Churn watchlist",
    "clv": "Customer value",
}


@pytest.mark.parametrize("url_path,expected", PAGES.items())
def test_page_opens_by_url(app_server, page, url_path, expected):
    page.goto(f"{app_server}/{url_path}")
    wait_for_app(page)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert expected.lower() in main.inner_text().lower()
    screenshot(page, f"page-{url_path}")
