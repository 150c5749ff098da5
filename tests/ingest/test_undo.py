"""The last load of a workspace can be undone: afterwards every table, identity and summary is exactly as it
was before that upload."""

import pytest

from insights.core.workspace import build_steps
from insights.ingest.load.undo import last_load, undo_last_load
from insights.ingest.prepare import ingest_files

ORDERS = """Order ID,Order Date,Customer ID,Email,Product,Quantity,Unit Price
A1,2024-01-05,C1,ann@example.com,Rake,1,10.00
A2,2024-01-06,C2,bob@example.com,Hoe,2,7.50
A3,2024-02-01,C1,ann@example.com,Rake,1,10.00
"""
# the CRM file merges C3's orders with C2 (same e-mail), so undoing it must split them again
MORE_ORDERS = """Order ID,Order Date,Customer ID,Email,Product,Quantity,Unit Price
B1,2024-03-01,C3,bob@example.com,Spade,1,20.00
"""
CRM = """Customer ID,Name,Email,Accepts Email Marketing
C1,Ann,ann@example.com,yes
C2,Bob,bob@example.com,no
"""


def _snapshot(ws) -> dict:
    tables = ["order_lines", "customer_records", "events", "feedback", "rejects", "set_aside", "files",
              "identity_merges"] + [name for _, name in build_steps()]
    out = {}
    for t in tables:
        cols = [c[0] for c in ws.con.execute(f'select * from "{t}" limit 0').description]
        order = ", ".join(f'"{c}"' for c in cols if c not in ("loaded_at",))
        out[t] = ws.con.execute(f'select {order} from "{t}" order by all').fetchall()
    return out


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("orders.csv", ORDERS), ("more.csv", MORE_ORDERS), ("crm.csv", CRM)):
        paths[name] = tmp_path / name
        paths[name].write_text(text)
    return paths


def test_undo_restores_tables_identities_and_marts(tmp_workspace, files):
    ingest_files(tmp_workspace, [files["orders.csv"]])
    before = _snapshot(tmp_workspace)
    ingest_files(tmp_workspace, [files["more.csv"], files["crm.csv"]])
    assert tmp_workspace.con.execute("select count(distinct customer_id) from order_lines").fetchone()[0] == 2
    assert sorted(last_load(tmp_workspace).names) == ["crm.csv", "more.csv"]

    result = undo_last_load(tmp_workspace)
    assert sorted(result["files"]) == ["crm.csv", "more.csv"]
    assert result["rows_removed"] == {"customer_records": 2, "order_lines": 1}
    assert _snapshot(tmp_workspace) == before
    assert last_load(tmp_workspace) is None
    with pytest.raises(LookupError, match="no load to undo"):
        undo_last_load(tmp_workspace)


def test_undone_files_can_be_loaded_again(tmp_workspace, files):
    ingest_files(tmp_workspace, [files["orders.csv"]])
    undo_last_load(tmp_workspace)
    assert tmp_workspace.con.execute("select count(*) from order_lines").fetchone()[0] == 0
    report = ingest_files(tmp_workspace, [files["orders.csv"]])      # not "already loaded": its rows are gone
    assert report.files[0].rows_loaded == 3


def test_an_upload_that_changed_nothing_leaves_nothing_to_undo(tmp_workspace, files):
    ingest_files(tmp_workspace, [files["orders.csv"]])
    ingest_files(tmp_workspace, [files["orders.csv"]])                # the same file again: nothing changes
    assert last_load(tmp_workspace) is None


def test_cli_undo_in_one_line_and_json(tmp_path, files):
    import json
    import subprocess
    import sys
    ws = tmp_path / "ws"
    cli = [sys.executable, "-m", "insights"]
    subprocess.run(cli + ["ingest", str(files["orders.csv"]), "--workspace", str(ws)], check=True,
                   capture_output=True)
    out = subprocess.run(cli + ["undo", "--workspace", str(ws), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rows_removed"] == {"order_lines": 3}
    again = subprocess.run(cli + ["undo", "--workspace", str(ws)], capture_output=True, text=True)
    assert again.returncode == 1 and again.stderr.strip() == "There is no load to undo in this workspace."
