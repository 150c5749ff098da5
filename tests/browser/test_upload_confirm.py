"""Nothing is loaded until the owner confirms (issue 10): a till export whose price column was mapped wrongly
(88% of its rows would be rejected) and a list of e-mails Clueboard is not sure is a customer list. The page asks;
the owner remaps the price and says the list is a customer list; then the files load."""

import csv

import pytest

from insights.core.workspace import Workspace, list_workspaces
from tests.browser.conftest import no_exception, screenshot, serve_app, wait_for_app

pytestmark = pytest.mark.browser


def _till(path):
    """The till's old "Unit Price" column is blank since an update; prices are now in "Net price"."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Order ID", "Order Date", "Customer ID", "Product", "Quantity", "Unit Price", "Net price"])
        for i in range(40):
            w.writerow([f"T{i:04d}", f"2025-04-{1 + i % 28:02d}", f"C{i % 6}", f"Candle {i % 4}", str(1 + i % 2),
                        "12.00" if i < 5 else "", f"{10 + i % 5}.50"])
    return path


def test_the_owner_is_asked_fixes_the_mapping_confirms_the_kind_and_loads(browser, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    till = _till(tmp_path / "till.csv")
    people = tmp_path / "people.csv"
    people.write_text("email\nana@example.com\nbo@example.com\ncy@example.com\n", encoding="utf-8")
    with serve_app(home) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/upload")
        wait_for_app(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(till), str(people)])
        wait_for_app(page)
        no_exception(page)
        main = page.locator('[data-testid="stMain"]')
        text = main.inner_text()
        assert "Nothing is loaded yet. Please check before loading:" in text
        assert "35 of the 40 rows of till.csv (88%) would not be loaded: no price or amount" in text
        assert "Is people.csv a customer list? Clueboard is not sure" in text
        assert "5 of 40 rows will be loaded" in text
        assert page.get_by_role("button", name="Load 2 files", exact=True).count() == 0
        assert page.get_by_role("button", name="Confirm and load 2 files").is_visible()
        page.get_by_text("5 of 40 rows will be loaded").scroll_into_view_if_needed()
        screenshot(page, "upload-confirm-outcome")
        page.get_by_text("Nothing is loaded yet").scroll_into_view_if_needed()
        screenshot(page, "upload-confirm-asked")

        till_card = page.locator('[data-testid="stExpander"]').filter(has_text="till.csv").first
        price = till_card.get_by_label("Unit price").first
        price.click()
        price.press("ArrowDown")
        page.get_by_role("option", name="Net price").click()
        wait_for_app(page)
        no_exception(page)
        text = main.inner_text()
        assert "40 of 40 rows will be loaded" in text and "till.csv (88%)" not in text
        assert "Is people.csv a customer list?" in text          # the kind is still to be confirmed

        page.get_by_text("Yes, this is a customer list").click()
        wait_for_app(page)
        assert "Nothing is loaded yet" not in main.inner_text()
        screenshot(page, "upload-confirm-settled")
        page.get_by_role("button", name="Load 2 files", exact=True).click()
        wait_for_app(page)
        no_exception(page)
        assert "What was loaded" in main.inner_text()
        screenshot(page, "upload-confirm-loaded")
        context.close()
    [shop] = list_workspaces(home / "workspaces")
    with Workspace.open(shop.path) as ws:
        counts = ws.row_counts()
        assert (counts["order_lines"], counts["customer_records"]) == (40, 3)
        assert ws.con.execute("select count(*) from order_lines where unit_price >= 10.5").fetchall()[0][0] == 40
