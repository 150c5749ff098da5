"""A shop owner uploads a CSV and an XLSX in the real browser, fixes one mapping, loads, and sees the health report."""

import csv

import openpyxl
import pytest

from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def owner_files(tmp_path):
    orders = tmp_path / "shop-orders.csv"
    with open(orders, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        # "Verkaufsweg" is a header Clueboard does not know: the owner maps it to Channel by hand
        w.writerow(["Order ID", "Order Date", "Customer ID", "Product", "Quantity", "Unit Price", "Verkaufsweg"])
        for i in range(1, 41):
            w.writerow([f"A{i:04d}", f"{(i % 28) + 1:02d}/03/2025 10:{i % 60:02d}", f"C{i % 9:03d}",
                        f"Widget {i % 5}", str(1 + i % 3), f"{5 + i % 7},50", "Online" if i % 2 else "Shop"])
    workbook = tmp_path / "crm.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer ID", "Name", "Email", "Country", "Email Opt-In"])
    for i in range(9):
        ws.append([f"C{i:03d}", f"Customer {i}", f"c{i}@example.com", "Germany", "yes" if i % 2 else "no"])
    wb.save(workbook)
    return orders, workbook


def test_upload_csv_and_xlsx_change_mapping_and_see_health(app_server, page, owner_files):
    page.goto(f"{app_server}/upload")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(p) for p in owner_files])
    wait_for_app(page)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert "shop-orders.csv" in main.inner_text() and "crm.xlsx" in main.inner_text()

    orders_box = page.locator('[data-testid="stExpander"]').filter(has_text="shop-orders.csv").first
    channel = orders_box.get_by_label("Channel").first
    channel.click()
    channel.press("ArrowDown")   # Streamlit's select box is a combobox: the keyboard opens its list
    page.get_by_role("option", name="Verkaufsweg").click()
    wait_for_app(page)
    screenshot(page, "upload-mapping")

    page.get_by_role("button", name="Load 2 files").click()
    wait_for_app(page)
    no_exception(page)
    text = main.inner_text()
    assert "What was loaded" in text
    assert "Data health" in text
    screenshot(page, "upload-loaded")
