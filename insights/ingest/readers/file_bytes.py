"""The bytes of a file: read within the size limit (a gzip unpacked, stopping at the limit), and what format they
are — from the bytes, not the name."""

from __future__ import annotations

import zlib
from pathlib import Path

from insights.ingest.errors import FileTooLarge, IngestError, UnsupportedFile

DEFAULT_MAX_BYTES = 500 * 1024 ** 2          # a file (or a gzip's content) larger than this is refused
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".dat", ".psv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _file_size(path: Path, name: str) -> int:
    try:
        return path.stat().st_size
    except OSError as err:
        raise IngestError(name, expected="a readable file", got=err.strerror or str(err)) from None


def too_large(name: str, size: int, max_bytes: int, what: str = "") -> FileTooLarge:
    return FileTooLarge(name, expected=f"at most {max_bytes / 1e6:,.0f} MB{what}",
                        got=f"{size / 1e6:,.1f} MB",
                        hint="Split it into smaller files (for example one per year) and upload them together")


def file_size_within(path: Path, name: str, max_bytes: int) -> int:
    """The size of the file at ``path``; too large (over ``max_bytes``) is an error."""
    size = _file_size(path, name)
    if size > max_bytes:
        raise too_large(name, size, max_bytes)
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
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes)
    return data, name


def gunzip(data: bytes, name: str, max_bytes: int) -> bytes:
    """Unpack a gzip stream, stopping (not exhausting memory) as soon as it passes ``max_bytes``."""
    out, total = [], 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        pending = data
        while pending:
            chunk = inflater.decompress(pending, 1 << 24)
            total += len(chunk)
            if total > max_bytes:
                raise too_large(name, total, max_bytes, " once unpacked (it unpacks to more than that)")
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
