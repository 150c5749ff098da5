"""Two shops in one browser session: after "Create and switch" the next upload goes into the NEW workspace and
the previous one is unchanged (issue 12: the sidebar's stale choice used to switch the session straight back)."""

import csv

import pytest

from insights.core.workspace import Workspace, list_workspaces
from tests.browser.conftest import no_exception, screenshot, serve_app, undo_last_load, wait_for_app

pytestmark = pytest.mark.browser


def write_orders(path, prefix: str, n: int):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Order ID", "Order Date", "Customer ID", "Product", "Quantity", "Unit Price"])
        for i in range(n):
            w.writerow([f"{prefix}{i:04d}", f"2025-03-{1 + i % 28:02d}", f"{prefix}C{i % 7}", "Widget", "1", "9.50"])
    return path


def _upload(page, path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(path)])
    wait_for_app(page)
    no_exception(page)
    page.get_by_role("button", name="Load 1 file").click()
    wait_for_app(page)
    no_exception(page)


def _sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_create_switch_upload_goes_into_the_new_workspace(browser, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    first, second = write_orders(tmp_path / "first.csv", "F", 30), write_orders(tmp_path / "second.csv", "S", 12)
    with serve_app(home) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(f"{url}/upload")
        wait_for_app(page)
        _upload(page, first)                       # from the sample: the upload creates "My shop"
        assert "30 order lines" in _sidebar(page)

        page.locator('[data-testid="stExpander"]').filter(has_text="Workspace:").first.click()
        page.get_by_label("New workspace").fill("Second shop")
        page.get_by_label("New workspace").press("Enter")
        wait_for_app(page)
        page.get_by_role("button", name="Create and switch").click()
        wait_for_app(page)
        no_exception(page)
        assert "Second shop" in _sidebar(page) and "0 order lines" in _sidebar(page)

        page.goto(f"{url}/upload")                # a new page view must not bring the old shop back
        wait_for_app(page)
        assert "Second shop" in _sidebar(page)
        _upload(page, second)
        screenshot(page, "workspace-switch-second-upload")
        assert "Second shop" in _sidebar(page) and "12 order lines" in _sidebar(page)

        # the owner changes their mind: the last load of the second shop is undone from the Upload page
        page.goto(f"{url}/upload")
        wait_for_app(page)
        undo_last_load(page)
        no_exception(page)
        assert "second.csv and the 12 rows they brought were removed" in page.locator('[data-testid="stMain"]').inner_text()
        assert "0 order lines" in _sidebar(page)
        screenshot(page, "workspace-undo")
        _upload(page, second)                     # and loads it again
        assert "12 order lines" in _sidebar(page)
        page.close()

    shops = {w.name: w for w in list_workspaces(home / "workspaces")}
    assert set(shops) == {"My shop", "Second shop"}
    for name, expected, prefix in (("My shop", 30, "F"), ("Second shop", 12, "S")):
        with Workspace.open(shops[name].path, read_only=True) as ws:
            ids = [r[0] for r in ws.con.execute("select distinct order_id from order_lines").fetchall()]
            assert len(ids) == expected and all(i.startswith(prefix) for i in ids), (name, ids[:5])

