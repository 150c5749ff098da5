"""The bytes of a file: read within the size limit (a gzip unpacked, stopping at the limit), and what format they
are — from the bytes, not the name."""

from __future__ import annotations

import os
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

from insights.core.workspace import default_root
from insights.ingest.errors import FileTooLarge, IngestError, UnsupportedFile

# No fixed cap on a file's size: a file (or a gzip's content) is refused only when this machine cannot hold it
# (:func:`machine_limit`). A caller may still pass a smaller ``max_bytes`` (tests, a hosted deployment).
DEFAULT_MAX_BYTES = 1 << 60
# Reading and loading hold a file's bytes, its cells as text and the typed rows at once: peak memory was about
# six times the file's size (10M lines in two 5M-line files, 850 MB: 5.0 GB, issue 16). The rows then take
# about their CSV size in the workspace file with its marts (the sample shop: 11.7 MB of CSV, 11.8 MB of
# DuckDB); twice that leaves room for DuckDB's spill files while the marts are built.
MEMORY_PER_FILE_BYTE = 6
DISK_PER_FILE_BYTE = 2
SMALL_FILE = 64 << 20           # never refused for the machine's sake
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".dat", ".psv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _file_size(path: Path, name: str) -> int:
    try:
        return path.stat().st_size
    except OSError as err:
        raise IngestError(name, expected="a readable file", got=err.strerror or str(err)) from None


@dataclass(frozen=True)
class Limit:
    """The largest file this machine can read and load now, and what sets it (memory or disk)."""
    max_bytes: int
    reason: str


def available_memory() -> int:
    """Bytes of memory available to this process now: MemAvailable, or a container's limit if lower."""
    available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
    except OSError:
        pass
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),):
        try:
            limit, usage = Path(limit_file).read_text().strip(), Path(usage_file).read_text().strip()
        except OSError:
            continue
        if limit.isdigit() and usage.isdigit():
            available = min(available, int(limit) - int(usage))
    return max(available, 0)


def free_disk(folder: Path | None = None) -> int:
    """Bytes free on the disk holding ``folder`` (default: the workspaces' root), or its nearest existing parent."""
    folder = Path(folder) if folder else default_root()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def machine_limit(memory: int | None = None, disk: int | None = None) -> Limit:
    """The largest file this machine can take now: memory for reading it, disk for the workspace it goes to."""
    memory = available_memory() if memory is None else memory
    disk = free_disk() if disk is None else disk
    by_memory, by_disk = memory // MEMORY_PER_FILE_BYTE, disk // DISK_PER_FILE_BYTE
    if by_memory <= by_disk:
        return Limit(by_memory, f"this machine has {memory / 1e9:,.1f} GB of memory free, and reading a file "
                                f"takes about {MEMORY_PER_FILE_BYTE} times its size")
    return Limit(by_disk, f"the disk has {disk / 1e9:,.1f} GB free, and a loaded file takes up to "
                          f"{DISK_PER_FILE_BYTE} times its size")


def too_large(name: str, size: int, max_bytes: int, what: str = "", reason: str = "") -> FileTooLarge:
    because = f" ({reason})" if reason else ""
    return FileTooLarge(name, expected=f"at most {max_bytes / 1e6:,.0f} MB{what}{because}",
                        got=f"{size / 1e6:,.1f} MB",
                        hint="Free memory or disk space, load it on a larger machine, or split it into smaller "
                             "files (for example one per year) and load them together" if reason else
                             "Split it into smaller files (for example one per year) and upload them together")


def check_size(name: str, size: int, max_bytes: int, what: str = "") -> None:
    """Raise :class:`FileTooLarge` when ``size`` is over ``max_bytes`` or over what this machine can take."""
    if size > max_bytes:
        raise too_large(name, size, max_bytes, what)
    if size > SMALL_FILE:
        limit = machine_limit()
        if size > limit.max_bytes:
            raise too_large(name, size, limit.max_bytes, what, limit.reason)


def file_size_within(path: Path, name: str, max_bytes: int) -> int:
    """The size of the file at ``path``; too large (over ``max_bytes`` or this machine's limit) is an error."""
    size = _file_size(path, name)
    check_size(name, size, max_bytes)
    return size


def load_bytes(source, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = name or "upload"
    else:
        path = Path(source)
        name = name or path.name
        file_size_within(path, name, max_bytes)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise IngestError(name, expected="a readable file", got=err.strerror or str(err)) from None
    check_size(name, len(data), max_bytes)
    return data, name


def gunzip(data: bytes, name: str, max_bytes: int) -> bytes:
    """Unpack a gzip stream, stopping (not exhausting memory) as soon as it passes ``max_bytes``."""
    out, total, checked = [], 0, 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        pending = data
        while pending:
            chunk = inflater.decompress(pending, 1 << 24)
            total += len(chunk)
            if total > max_bytes or total > checked + (64 << 20):
                check_size(name, total, max_bytes, " once unpacked (it unpacks to more than that)")
                checked = total
            out.append(chunk)
            pending = inflater.unconsumed_tail
    except zlib.error as err:
        raise UnsupportedFile(name, expected="a readable gzip file", got=str(err)) from None
    return b"".join(out)


def format_of(data: bytes, name: str) -> str:
    """'csv' (any text), 'xlsx', 'xls', 'ods', 'parquet', 'gzip' or 'empty' — from the bytes, not the name."""
    blank = b"\x00\t\r\n \xef\xbb\xbf\xff\xfe\x0b\x0c"
    if not data[:65536].strip(blank) and not data.strip(blank):
        return "empty"
    suffix = Path(name).suffix.lower()
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return "ods" if suffix == ".ods" else "xlsx"
    if data[:8] == OLE_MAGIC:
        return "xls"
    start = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table")):
        raise UnsupportedFile(name, expected="a spreadsheet (CSV, Excel or Parquet)", got="a web page (HTML)",
                              hint="Open it in Excel and save it as .xlsx or CSV")
    if data[:5] == b"%PDF-":
        raise UnsupportedFile(name, expected="a spreadsheet (CSV, Excel or Parquet)", got="a PDF document",
                              hint="Export the table from the program that made the PDF as CSV or Excel")
    if suffix in EXCEL_SUFFIXES and data[:5].lower() not in (b"<?xml", b"<html", b"<!doc", b"<tabl"):
        # a text file would be read as text below; a binary one named .xlsx is not a workbook
        if b"\x00" in data[:4096]:
            raise UnsupportedFile(name, expected="an Excel workbook", got="a file that is not one",
                                  hint="Open it in Excel and save it again as .xlsx")
    return "csv"
