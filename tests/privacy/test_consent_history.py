"""Consent as data: each file's statement kept with the file, the latest upload wins (a later withdrawal, and a
later yes again), the exports follow it, and the profile shows the history."""

from __future__ import annotations

from insights.customers.export import export_segment
from insights.ingest.load.batch import load_prepared
from insights.ingest.prepare import prepare_file
from insights.privacy.consent_history import consent_history, describe
from tests.app_pages.test_pages_segments_profile import open_page as open_profile
from tests.privacy import canary
from tests.privacy.test_suppression import MAILCHIMP_UNSUBSCRIBED

MAILCHIMP_SUBSCRIBED = ('"Email Address","First Name","Last Name",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,'
                        'CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES\n'
                        f'{canary.EMAIL},Zephyrine,Quaglioni,2,"2025-06-01 10:00:00",,"2025-06-01 10:01:00",,,,,,,GB,,'
                        '"2025-06-01 10:01:00",123456,a1b2c3,\n')


def _consent(ws) -> bool | None:
    return ws.con.execute("select consent_email from customers where customer_id = ?",
                          [canary.CUSTOMER_ID]).fetchall()[0][0]


def _load(ws, path, text):
    path.write_text(text, encoding="utf-8")
    return load_prepared(ws, [prepare_file(path, kind="customers", ws=ws)])


def test_a_later_withdrawal_wins_and_a_later_yes_wins_again(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    try:
        assert _consent(ws) is True
        assert canary.EMAIL in export_segment(ws, [], "csv").data.decode("utf-8-sig")
        _load(ws, tmp_path / "unsubscribed_members_export_9f.csv", MAILCHIMP_UNSUBSCRIBED)
        assert _consent(ws) is False
        assert canary.EMAIL not in export_segment(ws, [], "csv").data.decode("utf-8-sig")
        history = consent_history(ws, canary.CUSTOMER_ID)
        assert history["file"].tolist() == ["unsubscribed_members_export_9f.csv", "customers.csv"]
        assert history["email_in_effect"].tolist() == [True, False]
        assert describe(history)[0].startswith("E-mail: no, from unsubscribed_members_export_9f.csv loaded ")
        _load(ws, tmp_path / "subscribed_members_export_9f.csv", MAILCHIMP_SUBSCRIBED)
        assert _consent(ws) is True
        assert "3 statements, 2 change(s)" in describe(consent_history(ws, canary.CUSTOMER_ID))[0]

        at = open_profile("profile.py", ws, customer=canary.CUSTOMER_ID)
        shown = [m.value.replace("\\", "") for m in at.markdown]          # markdown escapes the underscores
        assert any("E-mail: yes, from subscribed_members_export_9f.csv" in text for text in shown)
    finally:
        ws.close()
