"""Erasure (GDPR art. 17): nothing of the person left in any table nor in the bytes of the workspace folder, the
money still reconciles, and a later upload holding them sets their rows aside with a reason instead of loading them."""

from __future__ import annotations

import argparse
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from insights.commands import erase as erase_command
from insights.core import audit, scores, suppression
from insights.core.db import find_text
from insights.core.workspace import Workspace
from insights.ingest.load.suppressed import RAGGED_NOTE, REASON
from insights.privacy.erasure import ErasureError, allow_again, erase
from insights.privacy.scan import scan
from tests.helpers import workspace_from_tables
from tests.privacy import canary

IDENTIFIERS = {"email": {canary.EMAIL}, "phone": {canary.PHONE}, "customer_id": {canary.CUSTOMER_ID},
               "name": {canary.NAME}}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    ws = canary.canary_workspace(tmp_path_factory.mktemp("canary"))
    scores.write(ws, "churn", pd.DataFrame({"customer_id": [canary.CUSTOMER_ID, "C100"],
                                            "churn_probability": [0.9, 0.1]}))
    path = ws.path
    ws.close()
    return path


@pytest.fixture
def shop(built, tmp_path):
    """A private copy of the canary shop for one test."""
    shutil.copytree(built, tmp_path / "shop")
    ws = Workspace.open(tmp_path / "shop")
    yield ws
    ws.close()


def _revenue(ws) -> Decimal:
    return ws.con.execute("select sum(revenue) from order_lines").fetchall()[0][0]


def test_the_canary_is_everywhere_before(shop):
    """The scans can see the person (else a clean scan after would prove nothing)."""
    before = scan(shop, IDENTIFIERS)
    tables = {t["table"] for t in before.tables}
    assert {"customer_records", "order_lines", "events", "feedback", "identity_merges", "rejects", "customers",
            "churn_scores"} <= tables
    shop.con.execute("checkpoint")
    assert any(f["file"] == "clueboard.duckdb" for f in scan(shop, IDENTIFIERS).files)


def test_erasure_by_email_leaves_no_trace_in_tables_or_bytes(shop):
    revenue = _revenue(shop)
    receipt = erase(shop, email="  Zephyrine.Canary@Example.TEST ", actor="test")
    assert receipt.found and receipt.customers == 1
    assert receipt.removed["customer_records"] == 1
    assert receipt.removed["order_lines"] == 4          # three lines of theirs and a guest line with their e-mail
    assert receipt.removed["rejects"] == 1              # the ragged row quoting them
    assert receipt.scores_removed == {"churn_scores": 1}
    assert receipt.file_rewritten and receipt.clean, receipt.to_dict()
    # every text/JSON column of every table, by an independent query, and every byte of the folder
    assert find_text(shop.con, [canary.EMAIL, canary.PHONE, canary.NAME.lower()], [canary.CUSTOMER_ID]) == []
    for path in shop.path.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            for needle in (canary.EMAIL, canary.PHONE, canary.NAME.lower(), canary.PHONE_AS_TYPED):
                assert needle.encode() not in data, (path.name, needle)
    # anonymous orders keep the money: revenue and the orders mart still add up
    assert _revenue(shop) == revenue
    assert shop.con.execute("select count(*) from orders where order_id like 'erased-%'").fetchall()[0][0] == 4
    assert shop.con.execute("select count(*) from customers").fetchall()[0][0] == len(canary.OTHERS)
    # the receipt and the log hold no personal data
    text = json.dumps(receipt.to_dict()) + " ".join(receipt.lines())
    assert canary.EMAIL not in text.lower() and canary.NAME not in text
    log = audit.events(shop, "erase")
    assert len(log) == 1 and log["subject"][0] == receipt.receipt_id
    assert canary.EMAIL not in log.to_string().lower()


def test_erasure_by_phone_as_typed_finds_the_merged_person(shop):
    # typed without its country code: read in each country the shop names (United Kingdom, Germany); only the
    # British reading, +447911123456, is somebody's number
    receipt = erase(shop, phone=canary.PHONE_AS_TYPED)
    assert receipt.found and receipt.clean
    assert receipt.identifiers["email"] == 1 and receipt.removed["order_lines"] == 4


def test_a_phone_typed_without_country_code_that_fits_two_people_is_a_question(shop):
    # 0201 2345678 is a London number in the UK (+442012345678) and an Essen number in Germany (+492012345678)
    shop.con.execute("update customer_records set phone = '+492012345678' where customer_id = 'C101'")
    shop.con.execute("update customer_records set phone = '+442012345678' where customer_id = 'C102'")
    with pytest.raises(ErasureError, match="give it with its country code"):
        erase(shop, phone="0201 2345678")
    assert erase(shop, phone="+492012345678").found


def test_a_later_upload_sets_the_erased_person_aside_with_a_reason(shop, tmp_path):
    erase(shop, customer_id=canary.CUSTOMER_ID)
    paths = canary.write_files(tmp_path / "later", extra_rows=3)       # a later export: new bytes, same people
    report = canary.load(shop, paths)
    by_kind = {f.kind: f for f in report.files}
    assert by_kind["transactions"].set_aside_by_reason.get(REASON) == 4      # three lines and the guest line
    assert by_kind["customers"].set_aside_by_reason.get(REASON) == 1
    assert by_kind["events"].set_aside_by_reason.get(REASON) == 3
    assert by_kind["feedback"].set_aside_by_reason.get(REASON) == 1
    for f in report.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside
    assert by_kind["transactions"].rows_loaded == 3                       # the new rows of other customers
    assert find_text(shop.con, [canary.EMAIL, canary.PHONE, canary.NAME.lower()], [canary.CUSTOMER_ID]) == []
    # the file's unreadable row that quotes them is still counted as rejected, without its text
    reasons = [r[0] for r in shop.con.execute("select reason from rejects where value is null").fetchall()]
    assert any(r.endswith(RAGGED_NOTE) for r in reasons)
    assert by_kind["transactions"].rows_rejected == 1
    # the owner lets them back: the next upload loads them
    assert allow_again(shop, email=canary.EMAIL, customer_id=canary.CUSTOMER_ID, phone=canary.PHONE) == 3
    canary.load(shop, canary.write_files(tmp_path / "again", extra_rows=4))
    assert shop.con.execute("select count(*) from customer_records where customer_id = ?",
                            [canary.CUSTOMER_ID]).fetchall()[0][0] == 1


def test_erasing_someone_unknown_still_keeps_them_out(tmp_path):
    ws = Workspace.create("Empty", root=tmp_path)
    receipt = erase(ws, email="nobody@example.test")
    assert not receipt.found and receipt.suppressed == 1
    assert len(suppression.suppressed(ws, suppression.ERASED)) == 1
    with pytest.raises(ErasureError):
        erase(ws)
    ws.close()


def test_erase_command_prints_a_receipt(shop, capsys):
    path = shop.path
    shop.close()
    parser = argparse.ArgumentParser()
    erase_command.add_arguments(parser)
    assert erase_command.run(parser.parse_args(["--workspace", str(path), "--email", canary.EMAIL, "--json"])) == 0
    out = capsys.readouterr().out
    receipt = json.loads(out)
    assert receipt["found"] and receipt["clean"] and receipt["removed"]["customer_records"] == 1
    assert canary.EMAIL not in out


def test_erasure_by_id_in_a_shop_without_emails_or_names():
    """A purchase log such as Online Retail's: customer ids only (the pattern of e-mails and names is empty)."""
    lines = [dict(order_id=f"o{i}", customer_id=c, source_customer_id=c, ordered_at=f"2024-01-0{1 + i}",
                  quantity=1, unit_price=5) for i, c in enumerate(["17850", "17850", "12347"])]
    ws = workspace_from_tables(order_lines=lines)
    try:
        receipt = erase(ws, customer_id="17850")
        assert receipt.found and receipt.removed["order_lines"] == 2 and receipt.clean
        assert not receipt.file_rewritten                     # an in-memory workspace has no file
        assert find_text(ws.con, [], ["17850"]) == []
    finally:
        ws.close()
