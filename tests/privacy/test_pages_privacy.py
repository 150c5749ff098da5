"""AppTest drives the Privacy page (erase with confirmation, the receipt, the log) and the profile's logged reveal."""

from __future__ import annotations



from insights.core import audit
from insights.core.db import find_text
from tests.app_pages.helpers import open_page
from tests.helpers import workspace_from_tables
from tests.privacy import canary
from tests.app_pages.test_pages_segments_profile import CRM, open_page as open_profile
from tests.customers.test_segments import LINES


def test_privacy_page_erases_after_confirmation(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    try:
        at = open_page("privacy.py", ws)
        at.text_input(key="privacy_erase_value").input(canary.EMAIL).run()
        assert at.button(key="privacy_erase").disabled            # not before the owner confirms
        at.checkbox(key="privacy_erase_sure").check().run()
        at.button(key="privacy_erase").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.success and "nothing of the person in any table" in at.success[0].value
        assert find_text(ws.con, [canary.EMAIL, canary.PHONE], [canary.CUSTOMER_ID]) == []
        assert len(audit.events(ws, "erase")) == 1
        text = " ".join(m.value for m in at.markdown) + " ".join(str(d.value) for d in at.dataframe)
        assert canary.EMAIL not in text
    finally:
        ws.close()


def test_reveal_on_the_profile_is_logged():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    try:
        at = open_profile("profile.py", ws, customer="c1")
        assert audit.events(ws).empty
        assert "ann@example.com" not in " ".join(m.value for m in at.markdown)
        at.button(key="profile_reveal").click().run()
        assert "ann@example.com" in " ".join(m.value for m in at.markdown)
        log = audit.events(ws, "reveal")
        assert log["subject"].tolist() == ["c1"] and log["actor"].tolist() == ["local owner"]
        at.run()                                            # showing it again is not another reveal
        assert len(audit.events(ws, "reveal")) == 1
    finally:
        ws.close()


def test_privacy_page_retention_dry_run_then_save_and_apply(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    try:
        at = open_page("privacy.py", ws)
        at.number_input(key="privacy_retention_months").set_value(1).run()
        at.button(key="privacy_retention_dry").click().run()
        assert not at.exception and any("Dry run: nothing was changed." in i.value for i in at.info)
        assert ws.con.execute("select count(*) from customer_records").fetchall()[0][0] == 13
        at.button(key="privacy_retention_save").click().run()
        at.button(key="privacy_retention_apply").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert ws.con.execute("select count(*) from customer_records").fetchall()[0][0] == 0
        assert len(audit.events(ws, "retain")) == 2
    finally:
        ws.close()


def test_privacy_page_prepares_the_pseudonymised_table_and_logs_it(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    try:
        at = open_page("privacy.py", ws)
        at.button(key="privacy_analyst_prepare").click().run()
        assert not at.exception, [e.value for e in at.exception]
        labels = [b.proto.label for b in at.get("download_button")]
        assert "Download CSV (13 customers)" in labels and "Download XLSX (13 customers)" in labels
        assert audit.events(ws, "export")["actor"].tolist() == ["local owner"]
    finally:
        ws.close()
