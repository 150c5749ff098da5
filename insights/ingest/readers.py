"""Reading any spreadsheet file into an all-text table, without losing or inventing a row.

``read_table`` takes a path (or the bytes of an upload) and returns a :class:`RawTable`: every column as
text (``c0``, ``c1``, … — the original headers are kept in ``columns`` and never reach SQL), the
spreadsheet row number of every data row, and what was detected (format, encoding, delimiter, sheet,
header row) with plain-English ``notes``.

Nothing is lost silently:

* rows that cannot be read at all (a ragged row with too many or too few fields) are returned in
  ``rejected`` with their row number and reason — never padded or cut, except that empty fields at the
  end of a row ("a,b,c,,") are harmless and dropped;
* fully blank lines are skipped and counted in ``notes``;
* text is decoded strictly (BOM, then UTF-8, then charset-normalizer); an undecodable byte is an error,
  never a replacement character.

Row numbers are what a spreadsheet shows: the header is row 1 (or lower when title rows stand above
it) and the first data row is the next one. In a CSV whose quoted cells hold line breaks a row number
counts records, not physical lines — as Excel shows the file.

    raw = read_table("orders.csv")
    raw.columns            # ['Order', 'Date', 'Amount', 'Amount (2)']
    raw.data               # pyarrow.Table c0..c3, all strings (null = empty cell)
    raw.source_rows        # pyarrow int64: 2, 3, 5, ... (row 4 was rejected, see raw.rejected)
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from insights.ingest.errors import (EmptyFile, EncodingError, FileTooLarge, IngestError, SheetNotFound,
                                    SuspiciousFile, UnsupportedFile)

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 500 * 1024 ** 2          # a file (or a gzip's content) larger than this is refused
MAX_UNPACKED_BYTES = 200 * 1024 ** 2         # a workbook whose zip members unpack to more is refused
MAX_COMPRESSION_RATIO = 100                  # ... and so is one packed more than 100 times (zip bomb)
RATIO_CHECK_FROM_BYTES = 10 * 1024 ** 2      # the ratio only matters once the unpacked size is notable
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars (|)",
                   "whitespace": "spaces"}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte-order mark",
                  "utf-16": "UTF-16", "utf-16-le": "UTF-16 (little-endian, no byte-order mark)",
                  "utf-16-be": "UTF-16 (big-endian, no byte-order mark)",
                  "cp1252": "Windows-1252 (Western European)", "latin-1": "Latin-1 (ISO-8859-1)",
                  "cp1250": "Windows-1250 (Central European)", "cp1251": "Windows-1251 (Cyrillic)"}
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".dat", ".psv")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# charset-normalizer often names a sibling Latin-script code page (CP1250, CP775, Mac Roman…) for Western
# text; Windows-1252 is the one shops' tools write, so when it decodes the text cleanly it wins — unless
# the guess is a code page of another script (Cyrillic, Greek, Hebrew, Arabic, Thai) or a multi-byte one.
_OTHER_SCRIPTS = {"cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "cp855", "mac_cyrillic", "cp1253",
                  "iso8859_7", "cp737", "cp869", "mac_greek", "cp1255", "iso8859_8", "cp862", "cp1256",
                  "iso8859_6", "cp864", "cp874", "tis_620", "kz1048", "ptcp154", "cp1125"}
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_MULTI_BYTE = ("utf", "shift_jis", "euc_", "gb", "big5", "cp932", "cp949", "cp950", "iso2022", "hz", "johab")

Progress = Callable[[float, str], None]


@dataclass
class RowProblem:
    """A row that could not be read at all (``str()``: "row 57 has 9 fields, expected 8")."""
    source_row: int
    column: str | None
    value: str | None
    reason: str

    @property
    def row(self) -> int:
        return self.source_row

    def __str__(self) -> str:
        return f"row {self.source_row} {self.reason}"


@dataclass
class RawTable:
    """A file read as text. ``data`` has columns ``c0..cN-1`` in file order; ``columns`` their headers."""
    name: str
    columns: list[str]
    data: pa.Table
    source_rows: pa.Array
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1
    has_header: bool = True
    rejected: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        return self.data.num_rows

    def column(self, header: str) -> pa.Array:
        """The text of the column with this (unique) header."""
        col = self.data.column(self.columns.index(header))
        return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


@dataclass
class FileInfo:
    """What :func:`sniff` sees from the first bytes: enough to ask the owner the right questions."""
    name: str
    format: str
    size: int
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ----- entry points -----------------------------------------------------------------------------------------
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
    data, name = _load_bytes(path, name, max_bytes)
    report(0.05, f"Read {name} ({len(data) / 1e6:,.1f} MB)")
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, name, max_bytes)
        inner = name[:-3] if name.lower().endswith(".gz") else name
    else:
        inner = name
    kind = _format_of(data, inner)
    if kind == "empty":
        raise EmptyFile(name, expected="some rows of data", got=None, hint="The file has no data (it is empty).")
    if kind == "parquet":
        table = _read_parquet(data, name)
    elif kind in ("xlsx", "xls", "ods"):
        table = _read_excel(data, name, kind, sheet, header_row, report)
    else:
        table = _read_text(data, name, encoding, delimiter, header_row, report)
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
    data, name = _load_bytes(path, name, DEFAULT_MAX_BYTES)
    kind = _format_of(data, name)
    if kind not in ("xlsx", "xls", "ods"):
        return []
    return list(_excel_reader(data, name, kind).sheet_names)


def sniff(path_or_bytes, name: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FileInfo:
    """Cheap look at a file: format, size, encoding and delimiter (text), sheets (workbooks).

    Reads at most the first 256 KB of a text file. Raises :class:`IngestError` like :func:`read_table`
    for files that are empty, too large, or not spreadsheets.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        name = name or "upload"
        size = len(data)
        if size > max_bytes:
            raise _too_large(name, size, max_bytes)
    else:
        path = Path(path_or_bytes)
        name = name or path.name
        size = _file_size(path, name)
        if size > max_bytes:
            raise _too_large(name, size, max_bytes)
        with open(path, "rb") as fh:
            head = fh.read(262_144)
        if head[:4] in (b"PK\x03\x04", b"PAR1") or head[:8] == _OLE_MAGIC or head[:2] == b"\x1f\x8b":
            data = path.read_bytes()
        else:
            data = head
    kind = _format_of(data, name)
    if kind == "empty":
        raise EmptyFile(name, hint="The file has no data (it is empty).")
    info = FileInfo(name=name, format=kind, size=size)
    if kind in ("xlsx", "xls", "ods"):
        info.sheets = list(_excel_reader(data, name, kind).sheet_names)
    elif kind == "gzip":
        info.notes.append("A gzip-compressed file: it is unpacked when read.")
    elif kind == "csv":
        head = data[:262_144]
        text, codec, label = _decode(head, name, None, partial=len(head) < size)
        info.encoding = codec
        info.delimiter = detect_delimiter(text[:100_000])
        if info.delimiter == "whitespace":
            info.format = "text-whitespace"
        if label:
            info.notes.append(f"Detected encoding {label}.")
    return info


# ----- bytes in ---------------------------------------------------------------------------------------------
def _file_size(path: Path, name: str) -> int:
    try:
        return path.stat().st_size
    except OSError as err:
        raise IngestError(name, expected="a readable file", got=err.strerror or str(err)) from None


def _too_large(name: str, size: int, max_bytes: int, what: str = "") -> FileTooLarge:
    return FileTooLarge(name, expected=f"at most {max_bytes / 1e6:,.0f} MB{what}",
                        got=f"{size / 1e6:,.1f} MB",
                        hint="Split it into smaller files (for example one per year) and upload them together")


def _load_bytes(source, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = name or "upload"
    else:
        path = Path(source)
        name = name or path.name
        size = _file_size(path, name)
        if size > max_bytes:
            raise _too_large(name, size, max_bytes)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise IngestError(name, expected="a readable file", got=err.strerror or str(err)) from None
    if len(data) > max_bytes:
        raise _too_large(name, len(data), max_bytes)
    return data, name


def _gunzip(data: bytes, name: str, max_bytes: int) -> bytes:
    """Unpack a gzip stream, stopping (not exhausting memory) as soon as it passes ``max_bytes``."""
    out, total = [], 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        pending = data
        while pending:
            chunk = inflater.decompress(pending, 1 << 24)
            total += len(chunk)
            if total > max_bytes:
                raise _too_large(name, total, max_bytes, " once unpacked (it unpacks to more than that)")
            out.append(chunk)
            pending = inflater.unconsumed_tail
    except zlib.error as err:
        raise UnsupportedFile(name, expected="a readable gzip file", got=str(err)) from None
    return b"".join(out)


def _format_of(data: bytes, name: str) -> str:
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
    if data[:8] == _OLE_MAGIC:
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


# ----- text: encoding ---------------------------------------------------------------------------------------
def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_decodes(data: bytes, codec: str) -> int | None:
    """Offset of the first byte ``codec`` cannot decode, or None. Streams, so memory stays flat."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    step = 1 << 24
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError as err:
            return start + err.start
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def detect_encoding(data: bytes, *, partial: bool = False) -> tuple[str, str | None]:
    """(Python codec, plain-English label or None for plain UTF-8). Never lossy.

    Order: byte-order mark; UTF-16 by its zero bytes; strict UTF-8; charset-normalizer (with Windows-1252
    preferred over its Western siblings when it decodes cleanly). ``partial``: ``data`` is only the start
    of the file (a multi-byte character may be cut at the end).
    """
    if data[:3] == b"\xef\xbb\xbf":
        return "utf-8-sig", ENCODING_NAMES["utf-8-sig"]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16", ENCODING_NAMES["utf-16"] + (" (little-endian)" if data[:2] == b"\xff\xfe" else " (big-endian)")
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return utf16, ENCODING_NAMES[utf16]
    bad = _check_decodes(data, "utf-8")
    if bad is None or (partial and bad > len(data) - 4):
        return "utf-8", None
    import charset_normalizer
    sample = data[:1_000_000]
    best = charset_normalizer.from_bytes(sample).best()
    guess = codecs.lookup(best.encoding).name.replace("-", "_") if best is not None else None
    single_byte = guess is not None and not guess.startswith(_MULTI_BYTE)
    if guess is None or guess.startswith("utf") or (single_byte and guess not in _OTHER_SCRIPTS):
        if not any(byte in data for byte in _CP1252_UNDEFINED):   # then Windows-1252 decodes every byte
            return "cp1252", ENCODING_NAMES["cp1252"]
        if guess is None or guess.startswith("utf") or guess not in _OTHER_SCRIPTS:
            return "latin-1", ENCODING_NAMES["latin-1"]
    codec = codecs.lookup(guess).name
    return codec, ENCODING_NAMES.get(codec, codec.upper().replace("_", "-"))


def _decode(data: bytes, name: str, encoding: str | None, partial: bool = False) -> tuple[str, str, str | None]:
    """(text, codec, label) — strict; an undecodable byte names its line."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise EncodingError(name, expected="a known text encoding such as utf-8 or cp1252",
                                got=encoding) from None
        label = ENCODING_NAMES.get(encoding.lower(), encoding)
    else:
        codec, label = detect_encoding(data, partial=partial)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        if partial and err.start > len(data) - 4:
            text = data[:err.start].decode(codec)
        else:
            raise EncodingError(name, row=_line_of(data, err.start),
                                expected=f"text in the {label or codec} encoding",
                                got=repr(data[err.start:err.start + 4])[2:-1],
                                hint="Choose the file's encoding (often Windows-1252 or UTF-8) and try again") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, codec, label


def _looks_binary(text_sample: str) -> bool:
    if not text_sample:
        return False
    if "\x00" in text_sample:
        return True
    controls = sum(1 for ch in text_sample if (ord(ch) < 32 and ch not in "\t\r\n\x0c") or 0x7f <= ord(ch) < 0xa0)
    return controls > max(3, len(text_sample) // 100)


# ----- text: layout -----------------------------------------------------------------------------------------
def _head_records(text: str, delim: str, limit: int = 200) -> list[list[str]]:
    """The first records as the csv module splits them (quoted line breaks included; [] = blank line)."""
    head = text[:200_000]
    cut = head.rfind("\n") if len(text) > len(head) else len(head)
    reader = csv.reader(io.StringIO(head[:cut if cut > 0 else len(head)], newline=""), delimiter=delim)
    out = []
    try:
        for record in reader:
            out.append(record)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into several fields; else 'whitespace'."""
    best, best_score = None, 0.0
    for delim in DELIMITERS:
        records = [r for r in _head_records(text, delim, 100) if any(f.strip() for f in r)]
        if not records:
            continue
        tail = records[len(records) // 3:] or records
        width, freq = Counter(len(r) for r in tail).most_common(1)[0]
        if width < 2:
            continue
        # the rows below decide; the whole sample (header included) breaks ties: "id;amount / 1;1 234,56"
        everywhere = sum(1 for r in records if len(r) == width) / len(records)
        score = freq / len(tail) + everywhere / 2 + min(width, 30) / 1000
        if score > best_score:
            best, best_score = delim, score
    if best and best_score >= 0.9:
        return best
    lines = [ln.split() for ln in text[:100_000].splitlines()[:100] if ln.strip()]
    if lines:
        width, freq = Counter(len(r) for r in lines[len(lines) // 3:] or lines).most_common(1)[0]
        if width >= 2 and freq >= 0.8 * len(lines[len(lines) // 3:] or lines):
            return "whitespace"
    return best or ","


_DATA_LIKE = re.compile(
    r"^[\s$€£¥+\-(]*(\d[\d.,:/\- ]*|\.\d+)([eE][+-]?\d+)?[)%]?\s*(€|[A-Z]{3})?$"  # numbers, dates, times
    r"|^(true|false|yes|no|y|n)$", re.I)


def _is_data_like(value: str) -> bool:
    v = value.strip()
    return bool(v) and bool(_DATA_LIKE.match(v))


def _find_header(records: list[list[str]]) -> tuple[int, bool]:
    """(index of the header among ``records`` ([] = blank line), whether it is a header at all).

    The header is the first record that is as wide as the table below it and at least half filled; title
    rows ("Sales report Q3"), notes and blank lines above it are skipped. It is no header when every
    field of it looks like data (numbers, dates) — CDNOW's ``00001 19970101 1 11.77``.
    """
    filled = [(i, r) for i, r in enumerate(records) if any(f.strip() for f in r)]
    if not filled:
        return 0, True
    widths = [sum(1 for f in r if f.strip()) for _, r in filled]
    below = widths[min(len(widths) - 1, 3):] or widths
    width = max(Counter(below).most_common(1)[0][0], 1)
    header = filled[0][0]
    for (i, r), w in zip(filled[:30], widths[:30]):
        if w >= max(1, min(width, 2)) and w >= 0.5 * width:
            header = i
            break
    first = [f for f in records[header] if f.strip()]
    has_header = not (first and all(_is_data_like(f) for f in first))
    return header, has_header


def _unique_headers(headers: list[str | None]) -> list[str]:
    """Blank → 'Column 3'; repeats → 'Amount (2)', 'Amount (3)' (never clashing with a real header)."""
    base = [(h or "").strip() or f"Column {i + 1}" for i, h in enumerate(headers)]
    taken = set(base)
    out, seen = [], Counter()
    for h in base:
        seen[h] += 1
        if seen[h] == 1:
            out.append(h)
            continue
        n = seen[h]
        while f"{h} ({n})" in taken:
            n += 1
        seen[h] = n
        out.append(f"{h} ({n})")
        taken.add(out[-1])
    return out


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# ----- text: reading ----------------------------------------------------------------------------------------
def _utf8_head(head: bytes, whole: bool) -> str | None:
    """The text of ``head`` when it is UTF-8 (a character cut at its end is fine unless it is the whole file)."""
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as err:
        if not whole and err.start > len(head) - 4:
            return head[:err.start].decode("utf-8")
        return None


THREADED_PARSE_MIN_BYTES = 8 << 20    # below this, one thread parses as fast


def _read_text(data: bytes, name: str, encoding: str | None, delimiter: str | None, header_row: int | None,
               report: Progress, *, fast: bool = True) -> RawTable:
    """Text files. Fast path: a file whose first megabyte is UTF-8 goes to the parser undecoded (pyarrow
    checks the rest is UTF-8 too); if it is not, the file is read again with its encoding detected."""
    notes: list[str] = []
    head = data[:1 << 20]
    whole = len(head) == len(data)
    text = None
    if (fast and encoding is None and head[:3] != b"\xef\xbb\xbf" and head[:2] not in (b"\xff\xfe", b"\xfe\xff")
            and not _utf16_without_bom(head[:4096])):
        text = _utf8_head(head, whole)
    if text is not None:
        codec, label = "utf-8", None
    else:
        text, codec, label = _decode(data, name, encoding)
        whole = True
    if label and not encoding:
        notes.append(f"Detected encoding {label}.")
    if _looks_binary(text[:20_000]):
        raise UnsupportedFile(name, expected="a spreadsheet (CSV, TSV or TXT text, an Excel workbook or Parquet)",
                              got="binary data", hint="If it is an Excel file, open it in Excel and save it as .xlsx")
    if whole and not text.strip():
        raise EmptyFile(name, hint="The file has no data (only blank lines).")
    report(0.15, "Decoded the text")
    if delimiter in ("whitespace", " "):
        delim = "whitespace"
    elif delimiter:
        delim = delimiter
    else:
        delim = detect_delimiter(text)
        if delim != ",":
            notes.append(f"Columns are separated by {DELIMITER_NAMES.get(delim, repr(delim))}.")
    if delim == "whitespace":
        if not whole:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return _read_text(data, name, encoding, delimiter, header_row, report, fast=False)
        body = re.sub(r"[ \t]+", "\t", text)
        body = re.sub(r"(?m)^\t|\t(?=\r?$)", "", body)
        sep, quoting = "\t", False
    else:
        body, sep, quoting = text, delim, True
    if quoting:
        records = _head_records(body, sep)
    else:
        records = [ln.split("\t") if ln else [] for ln in body[:200_000].splitlines()[:200]]
    if not any(any(f.strip() for f in r) for r in records):
        raise UnsupportedFile(name, expected="rows of values separated by commas, semicolons, tabs or bars",
                              got=text[:40].strip(), hint="Check that it is a spreadsheet saved as CSV")
    if header_row is None:
        header_idx, has_header = _find_header(records)
    elif header_row == 0:
        header_idx, has_header = _find_header(records)[0], False
    else:
        header_idx, has_header = header_row - 1, True
        if header_idx >= len(records):
            raise IngestError(name, row=header_row, expected="a header on that row", got="the end of the file")
    if has_header:
        headers = list(records[header_idx])
        while len(headers) > 1 and not headers[-1].strip():   # "a,b,c," headers: the last, unnamed one
            headers.pop()
        body_skip = header_idx + 1
    else:
        filled = [r for r in records[header_idx:] if any(f.strip() for f in r)]
        width = Counter(len(r) for r in filled).most_common(1)[0][0]
        headers = [f"Column {i + 1}" for i in range(width)]
        body_skip = header_idx
        notes.append("The file has no header row: its columns are named Column 1, Column 2, …")
    width = len(headers)
    blank_above = sum(1 for r in records[:header_idx] if not any(f.strip() for f in r))
    if header_idx - blank_above > 0:
        notes.append(f"Skipped {_plural(header_idx - blank_above, 'title row')} above the header; "
                     f"the header is on row {header_idx + 1}.")
    names = [f"c{i}" for i in range(width)]
    problems: list[tuple[int | None, int, str]] = []

    def on_invalid(row) -> str:
        problems.append((row.number, row.actual_columns, row.text or ""))
        return "skip"

    if width == 1:
        # one column: a delimiter that never occurs keeps each line whole
        sep = "\x1f"
    body_bytes = data if (codec == "utf-8" and quoting) else body.encode("utf-8")

    def parse(threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(body_bytes),
            read_options=pacsv.ReadOptions(use_threads=threads, skip_rows=body_skip, column_names=names,
                                           block_size=1 << 24 if not threads else 1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char='"' if quoting else False,
                                             newlines_in_values=quoting, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, null_values=[""],
                                                 quoted_strings_can_be_null=True))
    try:
        # a large file is parsed on every core; the reader can number a bad row only when parsing in one thread,
        # so a file with any bad or blank row is parsed again that way
        threaded = len(body_bytes) > THREADED_PARSE_MIN_BYTES
        table = parse(threaded)
        if threaded and problems:
            problems.clear()
            table = parse(False)
    except (pa.ArrowInvalid, pa.ArrowException) as err:
        message = str(err).splitlines()[0][:120]
        if fast and "utf8" in message.lower().replace("-", ""):
            return _read_text(data, name, encoding, delimiter, header_row, report, fast=False)
        row = re.search(r"[Rr]ow #?(\d+)", message)
        raise UnsupportedFile(name, row=int(row.group(1)) if row else None,
                              expected="a well-formed delimited text file", got=message,
                              hint="Check for an unclosed quote (\") near that row") from None
    report(0.8, "Parsed the rows")
    total = table.num_rows + len(problems)
    first_number = body_skip + 1
    numbers = np.arange(first_number, first_number + total, dtype=np.int64)
    blank_lines = 0
    rejected: list[RowProblem] = []
    kept_extra: list[tuple[int, list[str]]] = []
    if problems:
        if any(p[0] is None for p in problems):  # pragma: no cover - only with threaded parsing
            raise IngestError(name, expected="rows the reader can number")
        invalid = np.array([p[0] for p in problems], dtype=np.int64)
        numbers = numbers[~np.isin(numbers, invalid)]
        for number, actual, row_text in problems:
            if not row_text.strip():
                blank_lines += 1
                continue
            fields = next(csv.reader([row_text], delimiter=sep), []) if quoting else row_text.split("\t")
            if actual > width and not any(f.strip() for f in fields[width:]):
                kept_extra.append((number, fields[:width]))
                continue
            reason = f"has {actual} fields, expected {width}"
            if actual > width:
                reason += " (a delimiter inside a value that is not in quotes?)"
            rejected.append(RowProblem(number, None, row_text[:500], reason))
    if kept_extra:
        extra = pa.table({n: pa.array([(f[i] if i < len(f) and f[i] != "" else None) for _, f in kept_extra],
                                      pa.string()) for i, n in enumerate(names)})
        table = pa.concat_tables([table, extra])
        numbers = np.concatenate([numbers, np.array([r for r, _ in kept_extra], dtype=np.int64)])
        order = np.argsort(numbers, kind="stable")
        table, numbers = table.take(pa.array(order)), numbers[order]
    if quoting:
        _check_quotes(body_bytes, name, table, numbers, problems)
    table, numbers, blank_rows = _drop_blank_rows(table, numbers)
    blank_lines += blank_rows
    if blank_lines:
        notes.append(f"Skipped {_plural(blank_lines, 'blank line')} between the rows.")
    if kept_extra:
        notes.append(f"{_plural(len(kept_extra), 'row')} ended with extra empty fields; they were ignored.")
    if rejected:
        notes.append(f"{_plural(len(rejected), 'row')} could not be read (wrong number of fields); "
                     "they are listed with their row numbers.")
    if table.num_rows == 0 and not rejected:
        notes.append("The file has a header but no data rows.")
    return RawTable(name=name, columns=_unique_headers(headers), data=table, source_rows=pa.array(numbers, pa.int64()),
                    format="text-whitespace" if delim == "whitespace" else "csv", encoding=codec,
                    delimiter=delim, header_row=header_idx + 1, has_header=has_header, rejected=rejected, notes=notes)


def _check_quotes(body: bytes, name: str, table: pa.Table, numbers: np.ndarray, problems: list) -> None:
    """A quote (") opened and never closed swallows every row after it into one cell: refuse, with its row.

    Only when the file holds an odd number of quotes and its last record spans several lines (a lone
    inch mark, ``5" screen``, in an unquoted value is harmless and passes).
    """
    if body.count(b'"') % 2 == 0:
        return
    last_rejected = max(((number or 0, text) for number, _, text in problems), default=(0, ""))
    last_row = int(numbers[-1]) if len(numbers) else 0
    if last_rejected[0] > last_row:
        spans = "\n" in last_rejected[1] or "\r" in last_rejected[1]
        row = last_rejected[0]
    elif table.num_rows:
        tail = table.slice(table.num_rows - 1)
        spans = any(v is not None and ("\n" in v or "\r" in v) for v in tail.to_pylist()[0].values())
        row = last_row
    else:
        return
    if spans:
        raise UnsupportedFile(name, row=row, expected="every quote (\") to be closed",
                              hint="A quote opened on this row is never closed, so the rest of the file would "
                                   "become one cell. Close or remove it, or save the file again from the "
                                   "spreadsheet program")


def _drop_blank_rows(table: pa.Table, numbers: np.ndarray) -> tuple[pa.Table, np.ndarray, int]:
    """Rows whose every cell is empty or spaces: dropped, and counted.

    Only rows whose first cell is blank can be blank rows, so the other columns are looked at for those
    rows alone (a million-row file with no blank rows costs one pass over one column).
    """
    if table.num_rows == 0 or table.num_columns == 0:
        return table, numbers, 0
    first = table.column(0)
    blank_first = pc.or_kleene(pc.is_null(first), pc.or_(pc.equal(first, ""), pc.utf8_is_space(first)))
    candidates = np.flatnonzero(pc.fill_null(blank_first, False).to_numpy(zero_copy_only=False))
    if len(candidates) == 0:
        return table, numbers, 0
    taken = table.take(pa.array(candidates))
    blank = np.ones(len(candidates), dtype=bool)
    for col in taken.columns[1:]:
        empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(col), ""), True)
        if isinstance(empty, pa.ChunkedArray):
            empty = empty.combine_chunks()
        blank &= empty.to_numpy(zero_copy_only=False)
    count = int(blank.sum())
    if count:
        keep = np.ones(table.num_rows, dtype=bool)
        keep[candidates[blank]] = False
        table = table.filter(pa.array(keep))
        numbers = numbers[keep]
    return table, numbers, count


# ----- Excel ------------------------------------------------------------------------------------------------
def _check_zip(data: bytes, name: str) -> None:
    """Refuse, before anything unpacks it, a workbook that would unpack huge (a zip bomb) or is no workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError, EOFError):
        raise UnsupportedFile(name, expected="an Excel workbook", got="a damaged or incomplete file",
                              hint="Open it in Excel and save it again") from None
    names = {i.filename for i in infos}
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    ratio = total / packed
    if total > MAX_UNPACKED_BYTES or (total > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO):
        raise SuspiciousFile(
            name, expected=f"a workbook that unpacks to at most {MAX_UNPACKED_BYTES / 1e6:,.0f} MB "
                           f"and is compressed at most {MAX_COMPRESSION_RATIO} times",
            got=f"{total / 1e6:,.0f} MB from {packed / 1e6:,.2f} MB, {ratio:,.0f} times",
            hint="It was not opened: that is how zip bombs look. Save the data as CSV instead")
    if "word/document.xml" in names:
        raise UnsupportedFile(name, expected="an Excel workbook", got="a Word document",
                              hint="Copy the table into Excel and save it as .xlsx")
    if "ppt/presentation.xml" in names:
        raise UnsupportedFile(name, expected="an Excel workbook", got="a PowerPoint presentation")
    if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
        raise UnsupportedFile(name, expected="an Excel workbook", got="a zip archive without a spreadsheet",
                              hint="Unzip it and upload the spreadsheet inside")


def _excel_reader(data: bytes, name: str, kind: str):
    import fastexcel
    if data[:2] == b"PK":
        _check_zip(data, name)
    try:
        return fastexcel.read_excel(data)
    except Exception as err:  # fastexcel raises its own error types for damaged or foreign files
        raise UnsupportedFile(name, expected="an Excel workbook that opens",
                              got=str(err).splitlines()[0][:100] if str(err) else type(err).__name__,
                              hint="Open it in Excel and save it again as .xlsx") from None


_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$")
_FLOAT_NOISE = r"^-?\d+\.\d*(0000000\d|9999999\d)\d*$"


def _excel_text(col) -> pa.Array:
    """A sheet column as text: dates ISO (``2024-03-31``, or with the time when it has one), numbers as
    Excel shows them (15 significant digits: ``0.30000000000000004`` → ``0.3``)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not pa.types.is_string(arr.type):
        arr = _to_text(arr)
    if pc.any(pc.fill_null(pc.ends_with(arr, " 00:00:00"), False)).as_py():   # cheap literal checks first
        arr = pc.replace_substring_regex(arr, r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1")
    if not pc.any(pc.fill_null(pc.or_(pc.match_substring(arr, "0000000"), pc.match_substring(arr, "9999999")),
                               False)).as_py():
        return arr
    noisy = pc.fill_null(pc.match_substring_regex(arr, _FLOAT_NOISE), False)
    if pc.any(noisy).as_py():
        values = arr.to_pylist()
        for i in np.flatnonzero(noisy.to_numpy(zero_copy_only=False)):
            values[i] = _fifteen_digits(values[i])
        arr = pa.array(values, pa.string())
    return arr


def _fifteen_digits(text: str) -> str:
    value = float(text)
    out = format(value, ".15g")
    if "e" in out:
        return text
    return out


def _parallel_sheet(data: bytes, sheet: str) -> pa.Table | None:
    """A large XLSX sheet read on every core (see ``xlsx_parallel``); None: read it the ordinary way."""
    if data[:2] != b"PK":
        return None
    from insights.ingest import xlsx_parallel
    try:
        return xlsx_parallel.load_sheet(data, sheet)
    except Exception:  # noqa: BLE001 — any surprise in the cut workbook: the ordinary path reads (or reports) it
        log.debug("parallel read of sheet %r fell back to one thread", sheet, exc_info=True)
        return None


def _read_excel(data: bytes, name: str, kind: str, sheet: str | None, header_row: int | None,
                report: Progress) -> RawTable:
    reader = _excel_reader(data, name, kind)
    sheets = list(reader.sheet_names)
    if not sheets:
        raise EmptyFile(name, hint="The workbook has no sheets.")
    if sheet is not None and sheet not in sheets:
        raise SheetNotFound(name, expected=f"a sheet named '{sheet}' (the sheets are: {', '.join(sheets)})")
    grid, chosen = None, None
    for candidate in ([sheet] if sheet is not None else sheets):
        try:
            table = _parallel_sheet(data, candidate)
            if table is None:
                table = reader.load_sheet(candidate, header_row=None, skip_rows=0, dtypes="string",
                                          dtype_coercion="coerce").to_arrow()
        except Exception as err:  # fastexcel's own error types
            raise UnsupportedFile(name, expected=f"a readable sheet '{candidate}'",
                                  got=str(err).splitlines()[0][:100] if str(err) else type(err).__name__) from None
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        if table.num_rows and any(c.null_count < len(c) for c in table.columns):
            chosen, grid = candidate, table
            break
        if sheet is not None:
            chosen, grid = candidate, table
    report(0.6, f"Read sheet {chosen}")
    notes: list[str] = []
    if len(sheets) > 1:
        notes.append(f"Read sheet “{chosen}” (the workbook has {len(sheets)} sheets: {', '.join(sheets)}).")
    if grid is None:
        raise EmptyFile(name, hint="Every sheet of the workbook is empty.")
    cols = [_excel_text(c) for c in grid.columns]
    keep = [i for i, c in enumerate(cols)
            if pc.any(pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(c), ""), False)).as_py()]
    cols = [cols[i] for i in keep]
    if not cols:
        if sheet is not None:
            notes.append(f"Sheet “{chosen}” is empty.")
            return RawTable(name=name, columns=[], data=pa.table({}), source_rows=pa.array([], pa.int64()),
                            format=kind, sheet=chosen, sheets=sheets, notes=notes)
        raise EmptyFile(name, hint="Every sheet of the workbook is empty.")
    n = len(cols[0])
    head = pa.table({f"c{i}": c.slice(0, 60) for i, c in enumerate(cols)}).to_pylist()
    records = [[(row[f"c{j}"] or "") for j in range(len(cols))] for row in head]
    if header_row is None:
        header_idx, has_header = _find_header(records)
    elif header_row == 0:
        header_idx, has_header = _find_header(records)[0], False
    else:
        header_idx, has_header = header_row - 1, True
        if header_idx >= n:
            raise IngestError(name, row=header_row, expected="a header on that row", got="the end of the sheet")
    if has_header:
        headers = list(records[header_idx]) if header_idx < len(records) else []
        body_start = header_idx + 1
        above = [r for r in records[:header_idx] if any(v.strip() for v in r)]
        if above:
            notes.append(f"Skipped {_plural(len(above), 'title row')} above the header; the header is on row "
                         f"{header_idx + 1}.")
    else:
        headers = [f"Column {i + 1}" for i in range(len(cols))]
        body_start = header_idx
        notes.append("The sheet has no header row: its columns are named Column 1, Column 2, …")
    body = pa.table({f"c{i}": c.slice(body_start) for i, c in enumerate(cols)})
    numbers = np.arange(body_start + 1, body_start + 1 + body.num_rows, dtype=np.int64)
    body, numbers, blank = _drop_blank_rows(body, numbers)
    if blank:
        notes.append(f"Skipped {_plural(blank, 'blank row')}.")
    if body.num_rows == 0:
        notes.append("The sheet has a header but no data rows.")
    return RawTable(name=name, columns=_unique_headers(headers), data=body,
                    source_rows=pa.array(numbers, pa.int64()), format=kind, sheet=chosen, sheets=sheets,
                    header_row=header_idx + 1, has_header=has_header, notes=notes)


# ----- Parquet ----------------------------------------------------------------------------------------------
def _to_text(arr: pa.Array) -> pa.Array:
    """Any Arrow column as text: timestamps ISO (no time when midnight), whole floats without '.0'."""
    t = arr.type
    if pa.types.is_dictionary(t):
        arr, t = arr.dictionary_decode(), t.value_type
    if pa.types.is_string(t):
        return arr
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return arr.cast(pa.string())
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            arr = pc.local_timestamp(arr)
        text = pc.strftime(arr.cast(pa.timestamp("us")), format="%Y-%m-%d %H:%M:%S")  # seconds carry ".ffffff"
        return pc.replace_substring_regex(pc.replace_substring_regex(text, r"(\.\d*?)0+$", r"\1"), r"\.$", "")
    if pa.types.is_date(t):
        return pc.strftime(arr.cast(pa.timestamp("s")), format="%Y-%m-%d")
    if pa.types.is_floating(t):
        values = arr.to_numpy(zero_copy_only=False).astype(np.float64)
        mask = ~np.isfinite(values)
        out = [None if m else (str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(float(v)))
               for v, m in zip(values.tolist(), mask.tolist())]
        return pa.array(out, pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.string())
    try:
        return arr.cast(pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())


def _read_parquet(data: bytes, name: str) -> RawTable:
    import pyarrow.parquet as pq
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if unpacked > 4 * DEFAULT_MAX_BYTES:
            raise _too_large(name, unpacked, 4 * DEFAULT_MAX_BYTES, " once unpacked")
        table = pq.read_table(io.BytesIO(data))
    except IngestError:
        raise
    except Exception as err:  # pyarrow raises several error types for damaged files
        raise UnsupportedFile(name, expected="a readable Parquet file",
                              got=str(err).splitlines()[0][:100] if str(err) else type(err).__name__) from None
    headers = list(table.column_names)
    cols = [_excel_text(_to_text(c.combine_chunks())) for c in table.columns]
    body = pa.table({f"c{i}": c for i, c in enumerate(cols)})
    numbers = np.arange(2, body.num_rows + 2, dtype=np.int64)
    notes = ["Parquet file: rows are numbered from 2, as if its column names were row 1."]
    if body.num_rows == 0:
        notes.append("The file has columns but no data rows.")
    return RawTable(name=name, columns=_unique_headers(headers), data=body, source_rows=pa.array(numbers, pa.int64()),
                    format="parquet", notes=notes)
