"""The Acquisition page in Chromium on the sample shop: opened by its URL, the sentence on top, the channel table,
the CAC-by-month chart and the channel map (screenshot kept in tests/artifacts/acquisition.png)."""

import pytest

from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_acquisition_page_shows_what_the_sample_customers_cost(app_server, page):
    page.goto(f"{app_server}/acquisition")
    wait_for_app(page)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    assert "Acquisition" in main.locator("h1").first.inner_text()
    # the planted €140 per Paid Social customer (sample_data/README.md, story 4)
    assert "Paid Social customers cost €140" in text
    assert "Blended CAC" in text and "Paid CAC" in text
    assert "Spend labelled “Influencers”" in text
    assert main.locator('[data-testid="stDataFrame"]').count() >= 1
    assert main.locator(".js-plotly-plot").count() == 1
    assert "Which channel each spend label pays for" in text
    screenshot(page, "acquisition")
    main.get_by_text("Which channel each spend label pays for").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "acquisition-channel-map")
