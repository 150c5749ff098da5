"""python -m insights ingest: human report, stable --json, clear errors without a traceback."""

import json
import subprocess
import sys
from pathlib import Path

from insights.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _orders(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer ID,Quantity,Unit Price\n"
                    "A1,2024-01-05,c1,2,9.99\nA1,2024-01-05,c1,2,9.99\nA2,2024-01-06,c2,x,1\n", encoding="utf-8")
    return path


def test_json_report(tmp_path, capsys):
    ws = tmp_path / "ws"
    # one row of three is rejected: more than 1%, so the load needs --yes (tests/ingest/test_preview.py)
    assert main(["ingest", str(_orders(tmp_path)), "--workspace", str(ws), "--json", "--yes"]) == 0
    out = json.loads(capsys.readouterr().out)
    f = out["files"][0]
    assert f["path"].endswith("orders.csv") and f["kind"] == "transactions"
    assert (f["rows_read"], f["rows_loaded"], f["rows_rejected"], f["rows_set_aside"]) == (3, 1, 1, 1)
    assert f["revenue_read"] == 39.96 and f["revenue_loaded"] == 19.98
    assert out["workspace"]["orders"] == 1 and out["workspace"]["customers"] == 1
    assert out["workspace"]["order_lines"] == 1 and out["workspace"]["net_revenue"] == 19.98
    # the workspace persists: loading the same file again changes nothing
    assert main(["ingest", str(_orders(tmp_path)), "--workspace", str(ws), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["files"][0]["already_loaded"] and again["workspace"]["order_lines"] == 1


def test_human_report(tmp_path, capsys):
    assert main(["ingest", str(_orders(tmp_path)), "--workspace", str(tmp_path / "ws"), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "rows read 3 = loaded 1 + rejected 1 + set aside 1" in out
    assert "quantity is not a number" in out and "exact duplicate" in out
    assert "order_id ← 'Order ID'" in out and "revenue read 39.96" in out


def test_unreadable_file_is_a_clear_error_without_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "insights", "ingest", str(tmp_path / "missing.csv"),
                             "--workspace", str(tmp_path / "ws")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "missing.csv" in result.stderr and "Traceback" not in result.stderr
