"""python -m insights ingest asks before loading (exit 3, --yes, --json) and says when a workspace is busy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from insights.cli import main
from insights.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
UNCLEAR = "email\nana@example.com\nbo@example.com\n"


def _orders(tmp_path, name="orders.csv", prefix="A", bad=0, rows=40):
    lines = ["Order ID,Order Date,Customer ID,Quantity,Unit Price\n"]
    lines += [f"{prefix}{i},2024-03-{1 + i % 28:02d},C{i % 5},{'x' if i < bad else 1},9.50\n" for i in range(rows)]
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _lines(ws_path) -> int:
    ws = Workspace.open(ws_path)
    try:
        return ws.con.execute("select count(*) from order_lines").fetchall()[0][0]
    finally:
        ws.close()


def test_an_unsure_upload_asks_in_plain_words_and_loads_nothing(tmp_path, capsys):
    (tmp_path / "refs.csv").write_text(UNCLEAR, encoding="utf-8")
    orders = _orders(tmp_path, bad=4)
    ws = tmp_path / "ws"
    assert main(["ingest", str(orders), str(tmp_path / "refs.csv"), "--workspace", str(ws)]) == 3
    out = capsys.readouterr().out
    assert "rows read 40 = loaded 36 + rejected 4 + set aside 0" in out   # what the load would do
    assert "Nothing was loaded. Before loading, please confirm:" in out
    assert "4 of the 40 rows of orders.csv (10%) would not be loaded: quantity is not a number" in out
    assert "Is refs.csv a customer list? Clueboard is not sure" in out and "--yes" in out
    assert _lines(ws) == 0


def test_json_lists_the_questions_and_each_files_preview(tmp_path, capsys):
    orders = _orders(tmp_path, bad=4)
    assert main(["ingest", str(orders), "--workspace", str(tmp_path / "ws"), "--json"]) == 3
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"needs_confirmation", "files"}
    assert [(q["file"], q["reason"]) for q in out["needs_confirmation"]] == [("orders.csv", "rejects")]
    f = out["files"][0]
    assert (f["kind"], f["outcome"]["rows_loaded"], f["outcome"]["rejected_by_reason"]) == (
        "transactions", 36, {"quantity is not a number": 4})
    assert f["kind_confidence"] > 0.9 and f["mapping"]["order_id"] == "Order ID"
    assert f["preview"][4] == {"Row": 6, "Outcome": "will load", "Order number": "A4",
                               "Order date": "2024-03-05T00:00:00", "Customer ID": "C4", "Quantity": 1.0,
                               "Unit price": 9.5, "Revenue": 9.5}


def test_yes_loads_and_says_what_was_confirmed(tmp_path, capsys):
    orders = _orders(tmp_path, bad=4)
    assert main(["ingest", str(orders), "--workspace", str(tmp_path / "ws"), "--json", "--yes"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["rows_loaded"] == 36 and [q["reason"] for q in out["confirmed"]] == ["rejects"]
    assert _lines(tmp_path / "ws") == 36


def _cli(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "insights", "ingest", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs)


def test_a_workspace_held_by_another_process_is_one_line_and_no_traceback(tmp_path):
    ws = tmp_path / "ws"
    Workspace.create_at(ws).close()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from insights.core.workspace import "
                               "Workspace; w = Workspace.open(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(60)", str(ws)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "held"
        out, err = _cli(_orders(tmp_path), "--workspace", ws, "--wait", "0.5").communicate(timeout=60)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert err.strip() == (f"Nothing was loaded: workspace {ws} is in use by another load or by the app — "
                           "try again when it finishes")
    assert out == "" and _lines(ws) == 0


def test_two_loads_at_once_never_interleave(tmp_path):
    ws = tmp_path / "ws"
    Workspace.create_at(ws).close()
    started = time.monotonic()
    loads = [_cli(_orders(tmp_path, name=f"{p}.csv", prefix=p, rows=300), "--workspace", ws, "--json",
                  "--wait", "60") for p in ("A", "B")]
    outs = [load.communicate(timeout=120) for load in loads]
    assert [load.returncode for load in loads] == [0, 0], [err for _, err in outs]
    reports = [json.loads(out) for out, _ in outs]
    # whichever ran second saw the first one's rows: the loads ran one after the other
    assert sorted(r["workspace"]["order_lines"] for r in reports) == [300, 600]
    assert _lines(ws) == 600 and time.monotonic() - started < 60
