"""The Upload page asks before loading (insights/ui/upload_preview.py): an unsure kind, a big reject share."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.core.workspace import Workspace
from insights.ui.session import SAMPLE_FLAG_KEY, WORKSPACE_KEY

ROOT = Path(__file__).resolve().parents[2]
EMAILS = "email\nana@example.com\nbo@example.com\ncy@example.com\n"   # a customer list, or not?
ORDERS = "Order ID,Order Date,Customer ID,Quantity,Unit Price\n" + "".join(
    f"A{i},2025-02-{1 + i % 28:02d},C{i % 4},1,{'free' if i < 3 else '9.90'}\n" for i in range(30))


@pytest.fixture
def shop(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    ws = Workspace.create("Shop", root=tmp_path / "home" / "workspaces")
    yield ws
    ws.close()


def _upload(ws, name: str, text: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.session_state[SAMPLE_FLAG_KEY] = False
    at.run()
    return at.file_uploader[0].set_value([(name, text.encode(), "text/csv")]).run()


def _labels(at) -> list[str]:
    return [b.label for b in at.button]


def test_an_unsure_kind_waits_for_the_owner_and_confirming_it_clears_the_question(shop):
    at = _upload(shop, "people.csv", EMAILS)
    assert not at.exception
    assert "Confirm and load 1 file" in _labels(at) and "Load 1 file" not in _labels(at)
    assert any("Clueboard is not sure this is" in w.value for w in at.warning)
    assert any("Is people.csv" in m.value and "not sure" in m.value for m in at.markdown)
    next(c for c in at.checkbox if c.label == "Yes, this is a customer list").check().run()
    assert not at.exception
    assert "Load 1 file" in _labels(at) and not any("Confirm" in label for label in _labels(at))
    next(b for b in at.button if b.label == "Load 1 file").click().run()
    assert shop.row_counts()["customer_records"] == 3


def test_the_expected_outcome_and_parsed_preview_are_shown_before_loading(shop):
    at = _upload(shop, "orders.csv", ORDERS)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "27 of 30 rows will be loaded" in text and "3 rejected: unit price is not an amount" in text
    preview = next(d.value for d in at.dataframe if "Outcome" in d.value.columns)
    assert preview["Outcome"].iloc[0].startswith("rejected: unit price is not an amount")
    assert preview["Unit price"].iloc[3] == 9.9 and str(preview["Order date"].iloc[3]).startswith("2025-02-04")
    assert shop.row_counts()["order_lines"] == 0                       # 10% rejected: nothing loaded yet
    next(b for b in at.button if b.label == "Confirm and load 1 file").click().run()
    assert not at.exception and shop.row_counts()["order_lines"] == 27
