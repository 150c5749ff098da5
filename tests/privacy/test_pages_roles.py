"""Roles on the pages (AppTest, a signed-in account in the session): a viewer sees names as initials and no
contact details, cannot reveal, upload, erase or download a contact list; the owner's "names as initials" setting
masks names for everyone until a logged reveal."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from insights.core import audit
from insights.core.accounts import Account
from insights.ui.privacy import MASK_NAMES_SETTING
from insights.ui.session import ACCOUNT_KEY, WORKSPACE_KEY, WS_OWNER_KEY
from tests.app_pages.helpers import ROOT
from tests.app_pages.test_pages_segments_profile import CRM
from tests.customers.test_segments import LINES
from tests.helpers import workspace_from_tables

VIEWER = Account("vic", "Vic", "", "viewer", "alpha")
ANALYST = Account("al", "Al", "", "analyst", "alpha")


def _open(page: str, ws, account: Account | None, customer: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=90)
    at.session_state[WORKSPACE_KEY] = ws
    if account is not None:
        at.session_state[ACCOUNT_KEY] = account
        at.session_state[WS_OWNER_KEY] = account.username
    if customer:
        at.query_params["customer"] = customer
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return " ".join([h.value for h in at.header] + [m.value for m in at.markdown] + [c.value for c in at.caption])


def test_a_viewer_sees_initials_and_cannot_reveal():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    try:
        name = ws.con.execute("select name from customer_records where customer_id = 'c1'").fetchall()[0][0]
        at = _open("profile.py", ws, VIEWER, customer="c1")
        text = _text(at)
        assert name not in text and name.split()[0][0] + "." in text
        assert "ann@example.com" not in text and "cannot reveal contact details" in text
        assert not [b for b in at.button if b.key == "profile_reveal"]
        owner_view = _text(_open("profile.py", ws, None, customer="c1"))          # the control: a local owner
        assert name in owner_view
    finally:
        ws.close()


def test_the_owners_setting_masks_names_for_everyone_until_a_logged_reveal():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    try:
        name = ws.con.execute("select name from customer_records where customer_id = 'c1'").fetchall()[0][0]
        ws.set_setting(MASK_NAMES_SETTING, "yes")
        at = _open("profile.py", ws, ANALYST, customer="c1")
        assert name not in _text(at)
        at.button(key="profile_reveal").click().run()
        assert name in _text(at) and "ann@example.com" in _text(at)
        assert audit.events(ws, "reveal")["actor"].tolist() == ["al (analyst)"]
    finally:
        ws.close()


def test_a_viewer_cannot_upload_or_erase_and_sees_initials_in_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    try:
        upload = _open("upload.py", ws, VIEWER)
        assert "Your role (viewer) cannot load or undo files" in upload.info[0].value
        assert not upload.get("file_uploader")
        privacy = _open("privacy.py", ws, VIEWER)
        assert not [b for b in privacy.button if b.key == "privacy_erase"]
        assert not privacy.get("dataframe")                               # no privacy log for a viewer
        segments = _open("segments.py", ws, VIEWER)      # (the download itself: the browser test, churn page)
        assert name_columns_masked(segments, ws)
    finally:
        ws.close()


def name_columns_masked(at: AppTest, ws) -> bool:
    names = {n for (n,) in ws.con.execute("select name from customer_records where name is not null").fetchall()}
    shown = {v for d in at.dataframe if "name" in d.value.columns for v in d.value["name"].dropna()}
    return bool(shown) and not (names & shown)
