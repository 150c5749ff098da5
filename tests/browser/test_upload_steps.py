"""The Upload page in the browser, one step at a time: choose → check → loaded (the result alone) → undo, and
"Load more files" starts again with an empty file box."""

import pytest

from tests.browser.conftest import no_exception, screenshot, serve_app, undo_last_load, wait_for_app
from tests.browser.test_workspace_switch import write_orders

pytestmark = pytest.mark.browser


def test_one_state_per_step_and_undo_from_the_result(browser, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    path = write_orders(tmp_path / "march.csv", "A", 25)
    with serve_app(home) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{url}/upload")
            wait_for_app(page)
            main = page.locator('[data-testid="stMain"]')
            dropzone = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
            dropzone.set_input_files([str(path)])
            wait_for_app(page)
            no_exception(page)
            assert "march.csv" in main.inner_text() and "Data health" not in main.inner_text()
            screenshot(page, "upload-steps-check")
            page.get_by_role("button", name="Load 1 file").click()
            wait_for_app(page)
            no_exception(page)

            text = main.inner_text()                       # 3 Loaded: the result, none of the form
            assert "What was loaded" in text and "Data health" in text
            assert dropzone.count() == 0
            assert page.get_by_role("button", name="Load 1 file").count() == 0
            assert "Column mapping" not in text and "remembered from an earlier file" not in text
            assert page.locator("strong", has_text="3 Loaded").count() == 1
            screenshot(page, "upload-steps-loaded")

            undo_last_load(page)
            no_exception(page)
            text = main.inner_text()                       # back to 1: the undo said, an empty file box
            assert "march.csv and the 25 rows they brought were removed" in text
            assert "What was loaded" not in text and dropzone.count() == 1
            assert "0 order lines" in page.locator('[data-testid="stSidebar"]').inner_text()

            dropzone.set_input_files([str(path)])          # load again, then "Load more files"
            wait_for_app(page)
            page.get_by_role("button", name="Load 1 file").click()
            wait_for_app(page)
            page.get_by_role("button", name="Load more files").click()
            wait_for_app(page)
            no_exception(page)
            assert dropzone.count() == 1 and "march.csv" not in main.inner_text()
            assert "25 order lines" in page.locator('[data-testid="stSidebar"]').inner_text()
            screenshot(page, "upload-steps-load-more")
        finally:
            page.close()
