"""The pseudonymised export: no name, e-mail, phone or id of anyone in its bytes (CSV and XLSX), the same
pseudonym for the same customer in every export, one per customer, and the export logged."""

from __future__ import annotations

import argparse
import io
import re
import zipfile

import pandas as pd
import pytest

from insights.commands import export as export_command
from insights.core import audit
from insights.core.pseudonyms import pseudonymise
from insights.privacy.analyst import analyst_customers
from tests.privacy import canary


@pytest.fixture
def shop(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    yield ws
    ws.close()


def _personal(ws) -> list[str]:
    rows = ws.con.execute("select name, email, phone, customer_id from customer_records").fetchall()
    return [v for row in rows for v in row if v] + [canary.PHONE_AS_TYPED, "Zephyrine", "Quaglioni"]


def _text(data: bytes, fmt: str) -> str:
    if fmt == "xlsx":      # every part of the workbook, not only the cells openpyxl reads
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return data.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_personal_data_in_the_file(shop, fmt):
    table = analyst_customers(shop, None, actor="analyst test")
    assert len(table.rows) == 13 and table.rows["customer_id"].str.match(r"^c_[0-9a-f]{16}$").all()
    text = _text(table.to_bytes(fmt), fmt).lower()
    # whole values only: a short id such as C100 may occur inside a pseudonym's hex digits by chance
    leaked = [v for v in _personal(shop)
              if re.search(rf"(?<![0-9a-z]){re.escape(v.lower())}(?![0-9a-z])", text)]
    assert leaked == []
    assert table.rows["customer_id"].is_unique
    assert {"net_revenue", "rfm_segment", "lifecycle_stage"} <= set(table.rows.columns)
    log = audit.events(shop, "export")
    assert log["actor"].tolist() == ["analyst test"] and log["subject"].tolist() == ["13 customers"]


def test_pseudonyms_are_stable_and_keyed(shop):
    first = analyst_customers(shop).rows.set_index("net_revenue")["customer_id"]
    again = analyst_customers(shop).rows.set_index("net_revenue")["customer_id"]
    assert first.equals(again)
    frame = pd.DataFrame({"customer_id": [canary.CUSTOMER_ID, None], "order_id": ["A1000", "A1001"],
                          "email": [canary.EMAIL, None], "comment": ["hi", "x"], "revenue": [1.0, 2.0]})
    out = pseudonymise(shop, frame)
    assert list(out.columns) == ["customer_id", "order_id", "revenue"]
    assert out["customer_id"][1] is None and out["order_id"][0].startswith("o_")
    assert out["customer_id"][0] in set(first)              # the same customer, the same pseudonym


def test_export_command_pseudonymised(shop, tmp_path, capsys):
    folder = shop.path
    shop.close()
    out = tmp_path / "analyst.csv"
    parser = argparse.ArgumentParser()
    export_command.add_arguments(parser)
    assert export_command.run(parser.parse_args(["segment", "all", "--workspace", str(folder), "--out", str(out),
                                                 "--pseudonymised"])) == 0
    assert "pseudonymised" in capsys.readouterr().out
    assert canary.EMAIL not in out.read_text(encoding="utf-8-sig").lower()
    assert len(pd.read_csv(out)) == 13
