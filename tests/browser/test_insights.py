"""The Insights page is where the app lands on the sample shop; its cards read in Chromium (screenshots kept)."""

import pytest

from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_the_app_lands_on_the_insights_and_shows_the_sample_stockout(app_server, page):
    page.goto(app_server)
    wait_for_app(page)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert "💡 Insights" in main.inner_text() or "Insights" in main.locator("h1").first.inner_text()
    # the sample's late-delivery story leads the last three months (feedback and second purchase rank above the
    # overdue customers by money at stake)
    text = main.inner_text()
    assert "Comments about “late, days, delivery” come with low scores" in text
    assert "Customers whose first order arrived late come back" in text
    screenshot(page, "insights-landing")
    main.locator('[data-testid="stSelectbox"]').filter(has_text="About").get_by_role("combobox").first.click()
    page.get_by_role("option", name="all history").first.click()
    wait_for_app(page)
    text = main.inner_text()
    assert "Revenue in July 2025 was" in text and "Restock Garden Tools" in text
    screenshot(page, "insights-all-history")
