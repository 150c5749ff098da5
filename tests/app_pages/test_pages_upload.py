"""AppTest drives the Upload page: files in, mapping changed, load, accounting and health shown."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.ui.session import SAMPLE_FLAG_KEY, WORKSPACE_KEY
from insights.core.workspace import Workspace, list_workspaces

ROOT = Path(__file__).resolve().parents[2]

ORDERS = ("Order ID;Order Date;Customer ID;Product;Quantity;Unit Price;Verkaufsweg\n"
          "A1;03/02/2025;C1;Mug;2;4,50;Online\n"
          "A1;03/02/2025;C1;Mug;2;4,50;Online\n"          # exact duplicate: set aside
          "A2;15/02/2025;C2;Plate;1;12,00;Shop\n"
          "A3;not a date;C2;Plate;1;12,00;Shop\n"         # rejected with its reason
          "A4;20/02/2025;;Bowl;3;2,00;Shop\n")            # guest order, kept
BROKEN = b"\x00\x01\x02PK\x03\x04 not a spreadsheet"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def open_upload(ws, sample=False) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.session_state[SAMPLE_FLAG_KEY] = sample
    return at.run()


def confirm_and_load(at: AppTest) -> AppTest:
    """ORDERS rejects one row of five (more than 1%): the page asks first, and loads once the owner confirms."""
    assert not any(b.label.startswith("Load") for b in at.button)
    assert any("1 of the 5 rows of orders.csv" in m.value and "would not be loaded" in m.value for m in at.markdown)
    return next(b for b in at.button if b.label.startswith("Confirm and load")).click().run()


def test_upload_change_mapping_load_and_account_for_every_row(home):
    ws = Workspace.create("Shop", root=home / "workspaces")
    at = open_upload(ws)
    assert not at.exception
    at.file_uploader[0].set_value([("orders.csv", ORDERS.encode("utf-8"), "text/csv")]).run()
    assert not at.exception
    channel = next(s for s in at.selectbox if s.label == "Channel")
    assert channel.value != "Verkaufsweg"        # an unknown header is not guessed…
    channel.set_value("Verkaufsweg").run()       # …the owner maps it
    assert ws.row_counts()["order_lines"] == 0   # nothing is loaded before the owner confirms
    confirm_and_load(at)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(h.value for h in at.header)
    assert "What was loaded" in text and "Data health" in text
    table = next(d.value for d in at.dataframe if "Rows read" in d.value.columns)
    row = table.iloc[0]
    assert (row["Rows read"], row["Loaded"], row["Rejected"], row["Set aside"]) == (5, 3, 1, 1)
    channels = ws.con.execute("select distinct channel from order_lines order by 1").fetchall()
    assert [c[0] for c in channels] == ["Online", "Shop"]


def test_a_file_that_cannot_be_read_gets_a_clear_message_not_a_traceback(home):
    ws = Workspace.create("Shop", root=home / "workspaces")
    at = open_upload(ws)
    at.file_uploader[0].set_value([("orders.xlsx", BROKEN, "application/octet-stream")]).run()
    assert not at.exception
    assert any("orders.xlsx" in e.value and "cannot be loaded" in e.value for e in at.error)


def test_uploading_while_on_the_sample_creates_a_workspace_of_ones_own(home):
    sample = Workspace.create("Sample copy", root=home / "scratch")
    at = open_upload(sample, sample=True)
    at.file_uploader[0].set_value([("orders.csv", ORDERS.encode("utf-8"), "text/csv")]).run()
    confirm_and_load(at)
    assert not at.exception
    with Workspace.open(sample.path) as untouched:              # the session closed it when switching
        assert untouched.row_counts()["order_lines"] == 0       # the sample copy is untouched
    [mine] = list_workspaces(home / "workspaces")
    with Workspace.open(mine.path) as ws:
        assert ws.row_counts()["order_lines"] == 3


def test_a_new_visit_reopens_the_workspace_used_last(home):
    sample = Workspace.create("Sample copy", root=home / "scratch")
    at = open_upload(sample, sample=True)
    at.file_uploader[0].set_value([("orders.csv", ORDERS.encode("utf-8"), "text/csv")]).run()
    confirm_and_load(at)
    [mine] = list_workspaces(home / "workspaces")
    # a new browser session (a new tab, tomorrow) starts without session state
    fresh = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=60).run()
    assert not fresh.exception
    ws = fresh.session_state[WORKSPACE_KEY]
    assert ws.path == mine.path and not fresh.session_state[SAMPLE_FLAG_KEY]
    assert ws.row_counts()["order_lines"] == 3
    ws.close()


def test_hosted_sessions_never_reopen_another_sessions_workspace(home, monkeypatch):
    mine = Workspace.create("Someone's shop", root=home / "workspaces")
    from insights.ui import session
    session.last_workspace_file().parent.mkdir(parents=True, exist_ok=True)
    session.last_workspace_file().write_text(str(mine.path), encoding="utf-8")
    mine.close()
    monkeypatch.setenv("CLUEBOARD_HOSTED", "1")
    fresh = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=120).run()
    assert not fresh.exception
    ws = fresh.session_state[WORKSPACE_KEY]
    assert ws.path != mine.path and fresh.session_state[SAMPLE_FLAG_KEY]
    ws.close()


def test_owner_sets_the_currency_when_the_files_do_not_say(home):
    from insights.performance import kpis
    ws = Workspace.create("Shop", root=home / "workspaces")
    at = open_upload(ws)
    at.file_uploader[0].set_value([("orders.csv", ORDERS.encode("utf-8"), "text/csv")]).run()
    next(s for s in at.selectbox if s.label == "Channel").set_value("Verkaufsweg").run()
    confirm_and_load(at)
    assert not at.exception
    assert kpis.workspace_currency(ws) is None              # nothing guessed
    at.selectbox(key="clueboard_currency").set_value("GBP").run()
    assert not at.exception
    assert kpis.workspace_currency(ws) == "GBP" and ws.setting("currency") == "GBP"
    kpi_page = AppTest.from_file(str(ROOT / "app_pages" / "kpis.py"), default_timeout=60)
    kpi_page.session_state[WORKSPACE_KEY] = ws
    kpi_page.run()
    assert not kpi_page.exception
    assert any("amounts in GBP" in c.value for c in kpi_page.caption)
    assert any(m.value.startswith("£") for m in kpi_page.metric if m.label == "Net revenue")


def test_a_customer_list_without_consent_is_told_before_and_after_loading(home):
    ws = Workspace.create("Shop", root=home / "workspaces")
    at = open_upload(ws)
    crm = "Customer ID,First Name,Last Name,Email,City\nC1,Ann,Lee,ann@example.com,Gent\nC2,Bo,Ng,bo@example.com,Gent\n"
    at.file_uploader[0].set_value([("crm.csv", crm.encode("utf-8"), "text/csv")]).run()
    assert not at.exception
    before = " ".join(w.value for w in at.warning)
    assert "No consent column: 0 customers of this file can be e-mailed" in before
    next(b for b in at.button if b.label.startswith("Load")).click().run()
    assert not at.exception
    after = " ".join(w.value for w in at.warning)
    assert "**crm.csv**: No consent column: none of this file's 2 customers can be e-mailed" in after
