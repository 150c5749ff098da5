"""The clipped-text sweep inside the tabs of the pages that have them (test_navigation.py measures each page as
it opens): every tab of the sample shop, at 1400 and 1280 px."""

import pytest

from tests.browser.clipping import check_widths
from tests.browser.conftest import no_exception, wait_for_app

pytestmark = pytest.mark.browser

TABBED = ["segments", "cohorts", "experiments"]


@pytest.mark.parametrize("url_path", TABBED)
def test_no_text_is_cut_off_in_any_tab(app_server, page, url_path):
    page.goto(f"{app_server}/{url_path}")
    wait_for_app(page)
    tabs = page.locator('[data-testid="stMain"] [data-testid="stTab"]')
    names = [t.strip() for t in tabs.all_inner_texts()]
    assert len(names) >= 2, names
    cut = {}
    for i, name in enumerate(names):
        page.set_viewport_size({"width": 1400, "height": 1000})
        tabs.nth(i).click()
        wait_for_app(page)
        no_exception(page)
        found = {w: f for w, f in check_widths(page, f"tab-{url_path}-{i}").items() if f}
        if found:
            cut[name] = found
    assert not cut, cut
