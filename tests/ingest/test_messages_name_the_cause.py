"""Files that used to get a misleading message: each loads, or its message names the real cause."""

from __future__ import annotations

import json

import pytest

from insights.core.workspace import Workspace
from insights.ingest import errors as E
from insights.ingest import ingest_files
from insights.ingest.readers import read_file

HEADER = "order_id,date,customer,amount,note\n"


@pytest.fixture
def ws():
    workspace = Workspace.in_memory()
    yield workspace
    workspace.close()


def test_one_huge_cell_is_a_long_note_not_an_unclosed_quote(tmp_path, ws):
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + '1,2024-01-01,c1,10.00,"' + "x" * 20_000_000 + '"\n2,2024-01-02,c2,12.00,ok\n')
    report = ingest_files(ws, [path]).files[0]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 2, 0)
    assert ws.con.execute("select sum(revenue) from order_lines").fetchone()[0] == 22


def test_a_few_nul_bytes_are_removed_and_said_not_a_refusal(tmp_path, ws):
    path = tmp_path / "till.csv"
    path.write_bytes(b"order_id,date,customer,amount\n1,2024-01-01,c1,10.00\n2,2024-01-02,c\x002,12.00\n"
                     b"3,2024-01-03,c3,5.00\n")
    raw = read_file(path)
    assert any("NUL" in n and "line 3" in n for n in raw.notes)
    report = ingest_files(ws, [path]).files[0]
    assert report.rows_loaded == 3
    assert ws.con.execute("select count(*) from order_lines where source_customer_id = 'c2'").fetchone()[0] == 1


def test_a_binary_file_is_still_refused(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(E.UnsupportedFile, match="binary"):
        read_file(path)


@pytest.mark.parametrize("content", [
    json.dumps([{"order_id": 1, "date": "2024-01-01", "amount": 10.0, "note": 'he said "hi"'}] * 20, indent=2),
    "\n".join(json.dumps({"order_id": i, "amount": 10.0}) for i in range(20)),     # JSON lines
])
def test_json_under_a_text_name_is_called_json(tmp_path, content):
    path = tmp_path / "data.txt"
    path.write_text(content)
    with pytest.raises(E.UnsupportedFile) as info:
        read_file(path)
    text = str(info.value)
    assert "JSON" in text and "quote" not in text and "data.txt" in text


def test_a_header_row_of_blank_cells_is_named_as_the_cause(tmp_path, ws):
    path = tmp_path / "orders.csv"
    path.write_text(",,,\n1,2024-01-01,c1,10\n2,2024-01-02,c2,12\n")
    raw = read_file(path)
    assert not raw.has_header and raw.data.num_rows == 2          # the blank row is skipped as a blank line
    with pytest.raises(E.IngestError) as info:
        ingest_files(ws, [path])
    assert "without column names" in str(info.value) and "header row" in str(info.value)


def test_a_real_header_below_blank_cells_is_still_found(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(",,,\norder_id,date,customer,amount\n1,2024-01-01,c1,10\n")
    raw = read_file(path)
    assert raw.has_header and raw.columns == ["order_id", "date", "customer", "amount"]
