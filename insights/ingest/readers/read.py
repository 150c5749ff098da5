"""Reading any spreadsheet file: :func:`read_table` (a path or the bytes of an upload, gzip unpacked),
:func:`list_sheets` of a workbook, and :func:`sniff`, a cheap look at a file."""

from __future__ import annotations

from pathlib import Path

from insights.ingest.errors import EmptyFile
from insights.ingest.readers.delimiters import detect_delimiter
from insights.ingest.readers.encoding import decode
from insights.ingest.readers.excel import excel_reader, read_excel
from insights.ingest.readers.file_bytes import (DEFAULT_MAX_BYTES, OLE_MAGIC, check_size, file_size_within, format_of,
                                                gunzip, load_bytes)
from insights.ingest.readers.parquet import read_parquet
from insights.ingest.readers.table import FileInfo, Progress, RawTable
from insights.ingest.readers.text import read_text


def read_table(path, *, name: str | None = None, sheet: str | None = None, encoding: str | None = None,
               delimiter: str | None = None, header_row: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
               progress: Progress | None = None) -> RawTable:
    """Read a CSV/TSV/TXT, XLSX/XLS or Parquet file (a path, or the bytes of an upload; gzip is unpacked).

    ``encoding``/``delimiter``/``sheet`` override what is detected; ``delimiter`` may be ``"whitespace"``.
    ``header_row`` (1-based) says where the header is; ``0`` means the file has no header row.
    Raises :class:`IngestError` (or a subclass) for anything that cannot be read; never another exception
    for a bad file.
    """
    report = progress or (lambda fraction, message: None)
    data, name = load_bytes(path, name, max_bytes)
    report(0.05, f"Read {name} ({len(data) / 1e6:,.1f} MB)")
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, name, max_bytes)
        inner = name[:-3] if name.lower().endswith(".gz") else name
    else:
        inner = name
    kind = format_of(data, inner)
    if kind == "empty":
        raise EmptyFile(name, expected="some rows of data", got=None, hint="The file has no data (it is empty).")
    if kind == "parquet":
        table = read_parquet(data, name)
    elif kind in ("xlsx", "xls", "ods"):
        table = read_excel(data, name, kind, sheet, header_row, report)
    else:
        table = read_text(data, name, encoding, delimiter, header_row, report)
    report(1.0, f"{name}: {table.data.num_rows:,} rows read")
    return table


def read_file(source, *, name: str | None = None, sheet: str | None = None, encoding: str | None = None,
              delimiter: str | None = None, header_row: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              progress: Progress | None = None) -> RawTable:
    """Same as :func:`read_table` (kept for callers that pass the bytes of an upload)."""
    return read_table(source, name=name, sheet=sheet, encoding=encoding, delimiter=delimiter,
                      header_row=header_row, max_bytes=max_bytes, progress=progress)


def list_sheets(path, *, name: str | None = None) -> list[str]:
    """The sheets of a workbook, in workbook order ([] for a text or Parquet file)."""
    data, name = load_bytes(path, name, DEFAULT_MAX_BYTES)
    kind = format_of(data, name)
    if kind not in ("xlsx", "xls", "ods"):
        return []
    return list(excel_reader(data, name, kind).sheet_names)


def sniff(path_or_bytes, name: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FileInfo:
    """Cheap look at a file: format, size, encoding and delimiter (text), sheets (workbooks).

    Reads at most the first 256 KB of a text file. Raises :class:`IngestError` like :func:`read_table`
    for files that are empty, too large, or not spreadsheets.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        name = name or "upload"
        size = len(data)
        check_size(name, size, max_bytes)
    else:
        path = Path(path_or_bytes)
        name = name or path.name
        size = file_size_within(path, name, max_bytes)
        with open(path, "rb") as fh:
            head = fh.read(262_144)
        if head[:4] in (b"PK\x03\x04", b"PAR1") or head[:8] == OLE_MAGIC or head[:2] == b"\x1f\x8b":
            data = path.read_bytes()
        else:
            data = head
    kind = format_of(data, name)
    if kind == "empty":
        raise EmptyFile(name, hint="The file has no data (it is empty).")
    info = FileInfo(name=name, format=kind, size=size)
    if kind in ("xlsx", "xls", "ods"):
        info.sheets = list(excel_reader(data, name, kind).sheet_names)
    elif kind == "gzip":
        info.notes.append("A gzip-compressed file: it is unpacked when read.")
    elif kind == "csv":
        head = data[:262_144]
        text, codec, label = decode(head, name, None, partial=len(head) < size)
        info.encoding = codec
        info.delimiter = detect_delimiter(text[:100_000])
        if info.delimiter == "whitespace":
            info.format = "text-whitespace"
        if label:
            info.notes.append(f"Detected encoding {label}.")
    return info
