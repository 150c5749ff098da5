"""The second-purchase view in Chromium on Olist's marketplace sample (four files loaded into the owner's
workspace): the Cohorts page opens on it because nearly every customer bought once, and a link from the KPI page
lands there too. Screenshots kept in tests/artifacts."""

import pytest

from insights.core.workspace import Workspace
from insights.ingest.prepare import ingest_files
from tests.browser.conftest import no_exception, screenshot, serve_app, wait_for_app
from tests.second_purchase.test_olist import FILES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def olist_server(shared_data, tmp_path_factory):
    """A server whose last-used workspace holds Olist's orders, items, customers and reviews."""
    home = tmp_path_factory.mktemp("olist_home")
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders"
    ws = Workspace.create("Olist", root=home / "workspaces")
    ingest_files(ws, [folder / name for name in FILES])
    (home / "last_workspace").write_text(str(ws.path), encoding="utf-8")
    ws.close()
    with serve_app(home) as url:
        yield url


def test_the_cohorts_page_opens_on_the_second_purchase_view(olist_server, page):
    page.goto(f"{olist_server}/cohorts")
    wait_for_app(page)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    selected = main.locator('[role="tab"][aria-selected="true"]').first.inner_text()
    assert "Second purchase" in selected
    text = main.inner_text()
    assert "Of 11,926 first-time buyers whose first order is at least 90 days old, 0.3% bought again" in text
    assert "Half of second orders come within" in text
    assert "This is a one-time-buyer shop" in text          # why the page opened here
    assert "Days from the first order to the second" in text or main.locator(".js-plotly-plot").count() >= 2
    page.set_viewport_size({"width": 1400, "height": 2600})      # the whole view in one screenshot
    page.wait_for_timeout(1000)
    assert "Who to follow up now" in main.inner_text()
    screenshot(page, "second-purchase-olist")


def test_the_kpi_page_points_to_the_view(olist_server, page):
    page.goto(f"{olist_server}/kpis")
    wait_for_app(page)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert "This is a one-time-buyer shop: 99.6% of your 14,706 customers have bought once" in main.inner_text()
    link = main.get_by_role("link", name="Open the second-purchase view")
    href = link.get_attribute("href")
    assert href.endswith("/cohorts?view=second-purchase")
    page.goto(href if href.startswith("http") else olist_server + href)     # a markdown link opens a new tab
    wait_for_app(page)
    no_exception(page)
    assert "Second purchase" in main.locator('[role="tab"][aria-selected="true"]').first.inner_text()
    assert "first-time buyers whose first order is at least 90 days old" in main.inner_text()
