"""The Upload page offers to undo the last load, only after a confirmation, and says what it removed."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from insights.core.workspace import Workspace
from insights.ingest.prepare import ingest_files
from insights.ui.session import SAMPLE_FLAG_KEY, WORKSPACE_KEY

ROOT = Path(__file__).resolve().parents[2]


def test_undo_from_the_upload_page(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    ws = Workspace.create("Shop", root=tmp_path / "home" / "workspaces")
    orders = tmp_path / "orders.csv"
    orders.write_text("Order ID,Order Date,Customer ID,Product,Quantity,Unit Price\nA1,2024-01-05,C1,Rake,1,10\n")
    ingest_files(ws, [orders])
    at = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.session_state[SAMPLE_FLAG_KEY] = False
    at.run()
    assert not at.exception
    button = at.button(key="clueboard_undo")
    assert button.disabled                                   # nothing happens without the confirmation
    at.checkbox(key="clueboard_undo_confirm").check().run()
    at.button(key="clueboard_undo").click().run()
    assert not at.exception
    assert ws.con.execute("select count(*) from order_lines").fetchone()[0] == 0
    assert any("orders.csv" in s.value and "the 1 row they brought" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "clueboard_undo"]      # nothing left to undo
