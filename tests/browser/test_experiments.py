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
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_for_app(page)
    no_exception(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "B raised Purchased from" in text and "ship B" in text
    assert "A: 10,0" in text or "A: 9,9" in text                 # who took part, in thousands
    screenshot(page, "experiments-verdict")
