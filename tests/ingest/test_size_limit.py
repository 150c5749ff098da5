"""No fixed size cap: a file is refused only when this machine's memory or disk cannot take it, and a file over
the browser's upload limit is pointed to the command line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from insights.ingest import errors as E
from insights.ingest.readers import file_bytes, read_file, sniff
from insights.ingest.readers.file_bytes import Limit, machine_limit
from insights.ui.upload_limit import ingest_command
from tests.app_pages.helpers import open_upload_page

ROOT = Path(__file__).resolve().parents[2]
OLD_CAP = 500 * 1024 ** 2            # "expected at most 524 MB … split it"
ROWS = "order_id,order_date,customer_id,product,quantity,unit_price\n" + "".join(
    f"A{i},2025-03-0{i % 9 + 1},C{i % 7},Mug,1,4.50\n" for i in range(200))


def test_the_limit_is_what_memory_or_disk_allows_and_says_which():
    by_memory = machine_limit(memory=12_000_000_000, disk=900_000_000_000)
    assert by_memory.max_bytes == 12_000_000_000 // file_bytes.MEMORY_PER_FILE_BYTE
    assert "12.0 GB of memory free" in by_memory.reason
    by_disk = machine_limit(memory=64_000_000_000, disk=3_000_000_000)
    assert by_disk.max_bytes == 3_000_000_000 // file_bytes.DISK_PER_FILE_BYTE
    assert "disk has 3.0 GB free" in by_disk.reason


def test_a_file_over_what_the_machine_can_take_is_refused_naming_memory(tmp_path, monkeypatch):
    path = tmp_path / "orders.csv"
    path.write_text(ROWS)
    monkeypatch.setattr(file_bytes, "SMALL_FILE", 0)
    monkeypatch.setattr(file_bytes, "machine_limit", lambda: Limit(2_000, "this machine has 0.0 GB of memory free"))
    for source in (path, path.read_bytes()):
        with pytest.raises(E.FileTooLarge) as info:
            read_file(source, name="orders.csv")
        message = str(info.value)
        assert "orders.csv" in message and "at most 0 MB" in message and "memory free" in message
        assert "Free memory or disk space" in message
    monkeypatch.setattr(file_bytes, "machine_limit", lambda: Limit(10 ** 9, "plenty"))
    assert read_file(path).data.num_rows == 200


def test_a_file_just_over_the_old_cap_is_not_refused(tmp_path):
    """A sparse file: 550 MB on paper, a few KB on disk; sniff reads its head and its size."""
    path = tmp_path / "big_orders.csv"
    path.write_text(ROWS)
    size = OLD_CAP + 50 * 1024 ** 2
    with open(path, "r+b") as fh:
        fh.truncate(size)
    if machine_limit().max_bytes >= size:
        info = sniff(path)
        assert info.size == size and info.format == "csv"
    else:                            # a small machine: refused, and told why
        with pytest.raises(E.FileTooLarge, match="free"):
            sniff(path)


def test_browser_upload_limit_is_set_and_a_larger_file_is_pointed_to_the_command_line(tmp_path, monkeypatch):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] >= 900          # a 10M-line (~850 MB) export uploads
    assert ingest_command(Path("/home/me/shop one")) == \
        "python -m insights ingest YOUR_FILE.csv --workspace '/home/me/shop one'"
    at, ws = open_upload_page(tmp_path, monkeypatch)
    try:
        assert not at.exception
        note = next(e for e in at.expander if e.label.startswith("A file over"))
        limit = int(note.label.split("over ")[1].split(" MB")[0].replace(",", ""))
        assert limit == config["server"]["maxUploadSize"]
        assert any(c.value == ingest_command(ws.path) for c in note.code)
    finally:
        ws.close()
