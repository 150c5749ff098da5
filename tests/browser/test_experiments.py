"""A shop owner uploads a test's result file on the Experiments page and reads the verdict."""

import pytest

from insights.experiments.simulate import result_file_text
from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_upload_result_file_and_read_the_verdict(app_server, page, tmp_path):
    path = tmp_path / "winback-test.csv"
    path.write_text(result_file_text(20000, baseline=0.2, lift=0.15, layout="mailchimp", random_state=1),
                    encoding="utf-8")
    page.goto(f"{app_server}/experiments")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    wait_for_app(page)
    no_exception(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "B raised Purchased from" in text and "ship B" in text
    assert "A: 10,0" in text or "A: 9,9" in text                 # who took part, in thousands
    screenshot(page, "experiments-verdict")


def test_measure_a_campaign_list_against_the_sample_shops_orders(app_server, page, tmp_path):
    # a list of 600 of the sample shop's customers, 10% held back at random, sent on 1 September 2026: nothing was
    # planted, so the page must read the outcome from the orders and say it cannot tell a difference from chance
    import csv
    import random
    with open("sample_data/customers.csv", encoding="utf-8") as fh:
        emails = [row["Email"] for row in csv.DictReader(fh)][:600]
    rng = random.Random(5)
    path = tmp_path / "autumn-campaign.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Email", "Group", "Sent"])
        for email in emails:
            w.writerow([email.upper(), "holdout" if rng.random() < 0.1 else "sent", "01/09/2026"])
    page.goto(f"{app_server}/experiments")
    wait_for_app(page)
    page.get_by_role("tab", name="Measure a campaign with your orders").click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(str(path))
    wait_for_app(page)
    no_exception(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "holdout:" in text and "sent:" in text and "customers" in text
    assert "bought within 30 days" in text and "made the ranges narrower" in text
    screenshot(page, "experiments-campaign")
