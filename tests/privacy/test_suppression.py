"""Suppression lists (GDPR art. 21): a Mailchimp unsubscribed/cleaned export or a plain list of addresses keeps
people out of every export — segments (CSV and XLSX, with or without the consent box), the churn watchlist, product
recommendations, the overdue list — whatever their consent says; the list keeps hashes, never addresses."""

from __future__ import annotations

import argparse
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from insights.commands import suppress as suppress_command
from insights.core import audit, suppression
from insights.core.consent import consent_filter
from insights.core.workspace import Workspace
from insights.customers.export import export_segment
from insights.feed import overdue
from insights.predictions.churn import export_for_email
from insights.privacy.lists import load_list
from insights.products.recommend import Recommendations, recommendations_file
from tests.privacy import canary

# Mailchimp's "unsubscribed" audience export: the audience's fields, the system columns, then UNSUB_* columns
MAILCHIMP_UNSUBSCRIBED = (
    '"Email Address","First Name","Last Name",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,'
    'LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,'
    'UNSUB_REASON,UNSUB_REASON_OTHER,LEID,EUID,NOTES\n'
    f'{canary.EMAIL.upper()},Zephyrine,Quaglioni,2,"2024-03-01 10:00:00",,"2024-03-01 10:01:00",,,,,,,GB,,'
    '"2025-04-02 09:00:00","Spring sale",abc123,"I no longer want to receive these emails",,123456,a1b2c3,\n'
    'person1@example.org,Person1,Smith,3,"2024-03-01 10:00:00",,"2024-03-01 10:01:00",,,,,,,DE,,'
    '"2025-04-03 09:00:00","Spring sale",abc123,"The emails are spam",,123457,a1b2c4,\n')


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    ws = canary.canary_workspace(tmp_path_factory.mktemp("canary"))
    path = ws.path
    ws.close()
    return path


@pytest.fixture
def shop(built, tmp_path):
    shutil.copytree(built, tmp_path / "shop")
    ws = Workspace.open(tmp_path / "shop")
    yield ws
    ws.close()


@pytest.fixture
def suppressed_shop(shop, tmp_path):
    path = tmp_path / "unsubscribed_members_export_1a2b3c.csv"
    path.write_text(MAILCHIMP_UNSUBSCRIBED, encoding="utf-8")
    report = load_list(shop, path)
    assert (report.emails, report.added, report.reason) == (2, 2, "Mailchimp unsubscribed")
    return shop


def _emails(data: bytes, fmt: str = "csv") -> set[str]:
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        rows = list(sheet.values)
        frame = pd.DataFrame(rows[1:], columns=rows[0])
    else:
        frame = pd.read_csv(io.BytesIO(data), dtype=str)
    return set(frame["email"].str.lower()) if "email" in frame else set()


def test_the_list_holds_hashes_only(suppressed_shop):
    ws = suppressed_shop
    assert canary.EMAIL not in str(ws.con.execute("select * from suppression").fetchall()).lower()
    assert len(suppression.suppressed(ws, suppression.DO_NOT_CONTACT)) == 2
    assert audit.events(ws, "suppress")["subject"].tolist() == ["2 new identifier(s)"]
    # the people stay in the analysis
    assert ws.con.execute("select count(*) from customers where email = ?", [canary.EMAIL]).fetchall()[0][0] == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("include_without_consent", [False, True])
def test_segment_exports_leave_them_out(shop, suppressed_shop, fmt, include_without_consent):
    before = export_segment(suppressed_shop, [], fmt, include_without_consent)
    emails = _emails(before.data, fmt)
    assert canary.EMAIL not in emails and "person1@example.org" not in emails
    assert before.left_out_suppressed == 2 and "suppression list" in before.rule
    assert before.rows == (11 if include_without_consent else 5)


def test_the_same_export_writes_them_without_the_list(shop):
    result = export_segment(shop, [], "csv")
    assert canary.EMAIL in _emails(result.data) and result.left_out_suppressed == 0


def test_watchlist_recommendations_and_overdue_list_leave_them_out(suppressed_shop, monkeypatch):
    ws = suppressed_shop
    contacts = ws.con.execute("select customer_id, name, email, phone, consent_email from customers").df()
    watch = contacts.assign(action="Win-back offer", churn_probability=0.5, value_at_risk=10.0, reasons="")
    data, written, left_out = export_for_email(watch, ws)
    assert canary.EMAIL not in _emails(data) and written == 5 and left_out == 8

    ids = contacts["customer_id"].tolist()          # one product recommended to every customer
    recs = Recommendations(pd.DataFrame({"customer_id": ids, "rank": 1, "product_id": "V1", "product_name": "Vase",
                                         "score": 1.0, "method": "best_sellers", "_customer": ids}),
                           "best_sellers", None, False)
    data, written, _ = recommendations_file(ws, recs)
    assert written == 5
    assert canary.CUSTOMER_ID not in set(pd.read_csv(io.BytesIO(data), dtype=str)["customer_id"])   # … not sent

    monkeypatch.setattr(overdue, "overdue_customers", lambda w, as_of: contacts.assign(orders=3))
    listed = overdue.overdue_contacts(ws, pd.Timestamp("2025-10-01").date())
    assert canary.EMAIL not in set(listed.kept["email"]) and listed.left_suppressed == 2


def test_a_plain_list_without_header_and_a_phone_list(shop, tmp_path):
    plain = tmp_path / "bounces.txt"
    plain.write_text(f"{canary.EMAIL}\nperson2@example.org\nnot an address\n", encoding="utf-8")
    report = load_list(shop, plain, reason="bounced")
    assert (report.emails, report.added, report.rows_without_identifier) == (2, 2, [3])
    phones = tmp_path / "do_not_call.csv"
    phones.write_text(f"Name,Mobile\nX,{canary.PHONE}\n", encoding="utf-8")
    assert load_list(shop, phones).phones == 1
    frame = pd.DataFrame({"email": ["other@example.org"], "phone": [canary.PHONE], "consent_email": [True]})
    assert consent_filter(shop, frame).left_suppressed == 1              # matched by phone alone


def test_suppress_command_loads_a_list_and_shows_counts(shop, tmp_path, capsys):
    path = tmp_path / "cleaned_members_export_1a2b3c.csv"
    path.write_text(MAILCHIMP_UNSUBSCRIBED.replace("UNSUB_", "CLEAN_"), encoding="utf-8")
    folder = shop.path
    shop.close()
    parser = argparse.ArgumentParser()
    suppress_command.add_arguments(parser)
    assert suppress_command.run(parser.parse_args(["--workspace", str(folder), "--file", str(path), "--json"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["reason"] == "bounced (Mailchimp cleaned)" and out["files"][0]["added"] == 2
    assert out["list"][0]["identifiers"] == 2 and canary.EMAIL not in json.dumps(out)
