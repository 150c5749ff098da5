"""Reading any spreadsheet file into an all-text table, without losing or inventing a row.

``read_file`` takes a path or the bytes of an upload and returns a :class:`RawTable`: every column as text
(``c0``, ``c1``, … — the original headers are kept in ``columns`` and never reach SQL), the spreadsheet row
number of every data row, and what was detected (format, encoding, delimiter, sheet, header row).

Rows that cannot be read at all (a ragged row with too many or too few fields) are returned in
``rejected`` with their row number and reason; fully blank lines are skipped and counted in ``notes``.

Row numbers are what a spreadsheet shows: the header is row 1 (or lower when title rows stand above it)
and the first data row is the next one. In a CSV whose quoted cells hold line breaks, a row number counts
records, not physical lines.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from insights.ingest.errors import EmptyFile, FileTooLarge, IngestError, UnsupportedFile

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 500 * 1024 ** 2
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 ** 2
MAX_COMPRESSION_RATIO = 200
DELIMITERS = (",", ";", "\t", "|")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16",
                  "cp1252": "Windows-1252 (Western European)", "latin-1": "Latin-1 (ISO-8859-1)"}
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class RowProblem:
    """A row that could not be read at all."""
    source_row: int
    column: str | None
    value: str | None
    reason: str

    @property
    def row(self) -> int:
        return self.source_row


@dataclass
class RawTable:
    name: str
    columns: list[str]
    data: pa.Table
    source_rows: np.ndarray
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1
    has_header: bool = True
    rejected: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ----- entry points -----------------------------------------------------------------------------------------
def read_file(source, *, name: str | None = None, sheet: str | None = None, encoding: str | None = None,
              delimiter: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> RawTable:
    """Read a CSV/TSV/TXT, XLSX/XLS or Parquet file (a path or bytes; gzip-compressed is fine)."""
    data, name = _load_bytes(source, name, max_bytes)
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise UnsupportedFile(name, expected="a readable gzip file", got=str(err)) from None
        name_inner = name[:-3] if name.lower().endswith(".gz") else name
        if len(data) > max_bytes:
            raise FileTooLarge(name, expected=f"at most {max_bytes / 1e6:,.0f} MB once unpacked "
                                              f"(it is {len(data) / 1e6:,.0f} MB)")
    else:
        name_inner = name
    if not data.strip(b"\x00\t\r\n \xef\xbb\xbf\xff\xfe"):
        raise EmptyFile(name, expected="some rows of data (the file is empty)")
    suffix = Path(name_inner).suffix.lower()
    if data[:4] == b"PAR1":
        return _read_parquet(data, name)
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or suffix in EXCEL_SUFFIXES:
        return _read_excel(data, name, sheet)
    return _read_text(data, name, encoding, delimiter)


def list_sheets(source) -> list[str]:
    data, name = _load_bytes(source, None, DEFAULT_MAX_BYTES)
    return _excel_reader(data, name).sheet_names


def _load_bytes(source, name, max_bytes) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = name or "upload"
    else:
        path = Path(source)
        name = name or path.name
        try:
            size = path.stat().st_size
        except OSError as err:
            raise IngestError(name, expected=f"a readable file ({err.strerror or err})") from None
        if size > max_bytes:
            raise FileTooLarge(name, expected=f"at most {max_bytes / 1e6:,.0f} MB (it is {size / 1e6:,.0f} MB); "
                                              "split it into smaller files, e.g. one per year")
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise FileTooLarge(name, expected=f"at most {max_bytes / 1e6:,.0f} MB (it is {len(data) / 1e6:,.0f} MB); "
                                          "split it into smaller files, e.g. one per year")
    return data, name


# ----- text files -------------------------------------------------------------------------------------------
def detect_encoding(data: bytes) -> tuple[str, str]:
    """(python codec, label). BOMs first, then strict UTF-8, then Windows-1252, then Latin-1. Never lossy."""
    if data[:3] == b"\xef\xbb\xbf":
        return "utf-8-sig", "utf-8-sig"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16", "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8", "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252", "cp1252"
    except UnicodeDecodeError:
        return "latin-1", "latin-1"


def _looks_binary(text_sample: str) -> bool:
    if "\x00" in text_sample:
        return True
    controls = sum(1 for ch in text_sample if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return controls > max(5, len(text_sample) // 50)


def _sample_lines(text: str, limit: int = 60) -> list[str]:
    lines = []
    for line in io.StringIO(text[:200_000]):
        lines.append(line.rstrip("\r\n"))
        if len(lines) >= limit:
            break
    return lines


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample's lines most consistently into more than one field; else whitespace."""
    best, best_score = None, 0.0
    filled = [ln for ln in lines if ln.strip()]
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(filled, delimiter=delim)]
        if not counts:
            continue
        mode, freq = Counter(counts[len(counts) // 3:] or counts).most_common(1)[0]
        if mode < 2:
            continue
        score = freq / len(counts[len(counts) // 3:] or counts) * (1 + min(mode, 20) / 100)
        if score > best_score:
            best, best_score = delim, score
    if best:
        return best
    ws_counts = [len(ln.split()) for ln in filled]
    if ws_counts and Counter(ws_counts).most_common(1)[0][0] >= 2:
        return "whitespace"
    return ","


_NUMBERISH = re.compile(r"^[\s$€£+\-(]*[\d.,:/ -]+[)%]?\s*$")


def _is_data_like(value: str) -> bool:
    v = value.strip()
    return bool(v) and bool(_NUMBERISH.match(v))


def _find_header(rows: list[list[str]]) -> tuple[int, bool]:
    """(index of the header row among the sample rows, whether it is a header at all)."""
    counts = [len([c for c in r]) for r in rows]
    if not rows:
        return 0, True
    tail = counts[min(len(counts) - 1, 5):] or counts
    width = Counter(tail).most_common(1)[0][0]
    for i, row in enumerate(rows[:25]):
        filled = [c for c in row if c.strip()]
        if len(row) >= width and len(filled) >= max(1, min(width, 2)) and len(filled) >= width * 0.5:
            header = i
            break
    else:
        header = 0
    first = [c for c in rows[header] if c.strip()]
    has_header = not (first and all(_is_data_like(c) for c in first))
    return header, has_header


def _unique_headers(headers: list[str]) -> list[str]:
    out, seen = [], Counter()
    for i, h in enumerate(headers):
        h = (h or "").strip() or f"Column {i + 1}"
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _read_text(data: bytes, name: str, encoding: str | None, delimiter: str | None) -> RawTable:
    notes: list[str] = []
    if encoding:
        codec = encoding
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError) as err:
            raise IngestError(name, expected=f"text in the {encoding} encoding you chose", got=str(err)[:80]) from None
    else:
        codec, label = detect_encoding(data)
        text = data.decode(codec)
        if codec not in ("utf-8",):
            notes.append(f"Detected encoding {ENCODING_NAMES.get(label, label)}.")
    if text.startswith("\ufeff"):
        text = text[1:]
    if _looks_binary(text[:20_000]):
        raise UnsupportedFile(name, expected="a text spreadsheet (CSV, TSV or TXT), an Excel workbook or Parquet; "
                                             "this file looks like binary data")
    lines = _sample_lines(text)
    if not any(ln.strip() for ln in lines):
        raise EmptyFile(name, expected="some rows of data (the file holds only blank lines)")
    delim = delimiter or detect_delimiter(lines)
    if delim == "whitespace":
        return _read_whitespace(text, name, codec, notes)
    nonblank_index = [i for i, ln in enumerate(lines) if ln.strip()]
    sample_rows = list(csv.reader([lines[i] for i in nonblank_index], delimiter=delim))
    header_idx, has_header = _find_header(sample_rows)
    skip = nonblank_index[header_idx] if nonblank_index else 0
    header_line_no = skip + 1
    if has_header:
        headers = sample_rows[header_idx]
        width = len(headers)
        body_skip = skip + 1
    else:
        width = Counter(len(r) for r in sample_rows).most_common(1)[0][0]
        headers = [f"Column {i + 1}" for i in range(width)]
        body_skip = skip
    if skip:
        notes.append(f"Skipped {skip} line{'s' if skip > 1 else ''} above the header (a title or notes); "
                     f"the header is on row {header_line_no}.")
    names = [f"c{i}" for i in range(width)]
    problems: list[tuple[int, int, str]] = []

    def on_invalid(row) -> str:
        text_row = row.text or ""
        # trailing empty fields (e.g. "a,b,c,,") are harmless
        fields = next(csv.reader([text_row], delimiter=delim), [])
        if row.actual_columns > width and all(not f.strip() for f in fields[width:]):
            problems.append((row.number, -1, text_row))
            return "skip"
        problems.append((row.number, row.actual_columns, text_row))
        return "skip"

    body = text.encode("utf-8")
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(use_threads=False, skip_rows=body_skip, column_names=names,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True))
    except pa.ArrowInvalid as err:
        raise IngestError(name, expected="a well-formed delimited text file", got=str(err).splitlines()[0][:100]) from None
    n = table.num_rows
    # record numbers: every record after the skipped lines gets the next number; invalid ones are taken out
    total_records = n + len(problems)
    numbers = np.arange(body_skip + 1, body_skip + 1 + total_records, dtype=np.int64)
    invalid_numbers = np.array([p[0] for p in problems if p[0] is not None], dtype=np.int64)
    rejected, padded_rows = [], []
    if len(invalid_numbers):
        numbers = numbers[~np.isin(numbers, invalid_numbers)]
    for number, actual, text_row in problems:
        if actual == -1:
            padded_rows.append((number, text_row))
        else:
            rejected.append(RowProblem(number, None, text_row[:500],
                                       f"row has {actual} fields, expected {width}"
                                       + (" (a delimiter inside an unquoted value?)" if actual > width else "")))
    if padded_rows:
        extra = _rows_from_text([t for _, t in padded_rows], delim, width, names)
        table = pa.concat_tables([table, extra])
        numbers = np.concatenate([numbers, np.array([r for r, _ in padded_rows], dtype=np.int64)])
        order = np.argsort(numbers, kind="stable")
        table, numbers = table.take(pa.array(order)), numbers[order]
    before = numbers
    table, numbers, blank = _drop_blank_rows(table, numbers)
    if blank:
        # an empty row is still a row of the file: it is reported, not silently dropped
        for number in np.setdiff1d(before, numbers):
            rejected.append(RowProblem(int(number), None, "", "empty row (no values)"))
        rejected.sort(key=lambda r: r.source_row)
        notes.append(f"{blank:,} empty row{'s are' if blank > 1 else ' is'} listed among the rejected rows.")
    if table.num_rows == 0 and not rejected:
        notes.append("The file has a header but no data rows.")
    return RawTable(name=name, columns=_unique_headers(headers), data=table, source_rows=numbers, format="csv",
                    encoding=codec, delimiter=delim, header_row=header_line_no, has_header=has_header,
                    rejected=rejected, notes=notes)


def _rows_from_text(rows: list[str], delim: str, width: int, names: list[str]) -> pa.Table:
    parsed = [next(csv.reader([r], delimiter=delim), [])[:width] for r in rows]
    cols = [[(p[i] if i < len(p) and p[i] != "" else None) for p in parsed] for i in range(width)]
    return pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, cols)})


def _drop_blank_rows(table: pa.Table, numbers: np.ndarray) -> tuple[pa.Table, np.ndarray, int]:
    if table.num_rows == 0 or table.num_columns == 0:
        return table, numbers, 0
    blank = None
    for col in table.columns:
        empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(col), ""), True)
        blank = empty if blank is None else pc.and_(blank, empty)
    blank_np = blank.to_numpy(zero_copy_only=False) if isinstance(blank, pa.Array) else np.asarray(blank.combine_chunks())
    count = int(blank_np.sum())
    if count:
        keep = ~blank_np
        table = table.filter(pa.array(keep))
        numbers = numbers[keep]
    return table, numbers, count


def _read_whitespace(text: str, name: str, codec: str, notes: list[str]) -> RawTable:
    """Columns separated by runs of spaces (fixed-width-looking text such as CDNOW's purchase log)."""
    lines = text.splitlines()
    rows, numbers, rejected = [], [], []
    split = [ln.split() for ln in lines]
    nonblank = [i for i, r in enumerate(split) if r]
    if not nonblank:
        raise EmptyFile(name, expected="some rows of data")
    width = Counter(len(split[i]) for i in nonblank[:200]).most_common(1)[0][0]
    first = split[nonblank[0]]
    has_header = not all(_is_data_like(c) for c in first)
    start = 1 if has_header else 0
    headers = first if has_header else [f"Column {i + 1}" for i in range(width)]
    blank = 0
    for i in nonblank[start:]:
        fields = split[i]
        if len(fields) == width:
            rows.append(fields)
            numbers.append(i + 1)
        else:
            rejected.append(RowProblem(i + 1, None, lines[i][:500], f"row has {len(fields)} fields, expected {width}"))
    blank = len(lines) - len(nonblank)
    if blank:
        notes.append(f"Skipped {blank:,} blank line{'s' if blank > 1 else ''}.")
    notes.append("Columns are separated by spaces.")
    cols = list(zip(*rows)) if rows else [[] for _ in range(width)]
    table = pa.table({f"c{i}": pa.array(list(cols[i]), pa.string()) for i in range(width)})
    return RawTable(name=name, columns=_unique_headers(list(headers)), data=table,
                    source_rows=np.array(numbers, dtype=np.int64), format="text-whitespace", encoding=codec,
                    delimiter="whitespace", header_row=nonblank[0] + 1, has_header=has_header,
                    rejected=rejected, notes=notes)


# ----- Excel ------------------------------------------------------------------------------------------------
def _check_zip(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise UnsupportedFile(name, expected="an Excel workbook; the file is damaged or not a workbook") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise UnsupportedFile(name, expected=(
            f"a normal workbook; this one would unpack to {total / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB "
            "(compressed over 200 times), which is how zip bombs look — it was not opened"))
    if "word/document.xml" in names:
        raise UnsupportedFile(name, expected="an Excel workbook; this is a Word document")
    if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
        raise UnsupportedFile(name, expected="an Excel workbook; this zip file holds no spreadsheet")


def _excel_reader(data: bytes, name: str):
    import fastexcel
    if data[:4] == b"PK\x03\x04":
        _check_zip(data, name)
    elif data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnsupportedFile(name, expected="an Excel workbook (XLSX or XLS); the file is not one")
    try:
        return fastexcel.read_excel(data)
    except Exception as err:  # fastexcel raises its own error types for damaged workbooks
        raise UnsupportedFile(name, expected="an Excel workbook that opens", got=str(err).splitlines()[0][:100]) from None


def _excel_cell_text(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Any Arrow column from a sheet as text: dates ISO, whole numbers without '.0'."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return arr.cast(pa.string())
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        ts = arr.cast(pa.timestamp("s")) if pa.types.is_date(t) else arr
        has_time = pc.any(pc.not_equal(pc.cast(pc.cast(ts, pa.date32()), ts.type), ts)).as_py() or False
        return pc.strftime(ts, format="%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
    if pa.types.is_floating(t):
        values = arr.to_numpy(zero_copy_only=False)
        out = []
        for v in values:
            if v != v:
                out.append(None)
            elif float(v).is_integer() and abs(v) < 1e15:
                out.append(str(int(v)))
            else:
                out.append(repr(float(v)))
        return pa.array(out, pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_duration(t):
        return arr.cast(pa.int64()).cast(pa.string())
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.string())
    return arr.cast(pa.string())


def _read_excel(data: bytes, name: str, sheet: str | None) -> RawTable:
    reader = _excel_reader(data, name)
    sheets = list(reader.sheet_names)
    if not sheets:
        raise EmptyFile(name, expected="a workbook with at least one sheet")
    chosen = sheet
    grid = None
    if chosen is not None and chosen not in sheets:
        raise IngestError(name, expected=f"a sheet named '{chosen}' (the sheets are: {', '.join(sheets)})")
    for candidate in ([chosen] if chosen else sheets):
        try:
            sheet_obj = reader.load_sheet(candidate, header_row=None, dtypes="string")
        except Exception as err:
            raise UnsupportedFile(name, expected=f"a readable sheet '{candidate}'",
                                  got=str(err).splitlines()[0][:100]) from None
        table = sheet_obj.to_arrow()
        if table.num_rows and any(c.null_count < len(c) for c in table.columns):
            chosen, grid = candidate, table
            break
    if grid is None:
        if chosen:
            return _empty_sheet(name, chosen, sheets)
        raise EmptyFile(name, expected="data on at least one sheet (every sheet is empty)")
    cols = [_excel_cell_text(c) for c in grid.columns]
    # keep columns that hold anything
    keep = [i for i, c in enumerate(cols) if c.null_count < len(c) and
            pc.any(pc.not_equal(pc.utf8_trim_whitespace(pc.fill_null(c, "")), "")).as_py()]
    cols = [cols[i] for i in keep]
    n = len(cols[0]) if cols else 0
    sample = [[(cols[j][i].as_py() or "") for j in range(len(cols))] for i in range(min(n, 40))]
    sample_rows = [r for r in sample if any(v.strip() for v in r)]
    header_idx_in_filled, has_header = _find_header(sample_rows)
    filled_positions = [i for i, r in enumerate(sample) if any(v.strip() for v in r)]
    header_pos = filled_positions[header_idx_in_filled] if filled_positions else 0
    notes = [f"Sheet “{chosen}” of {len(sheets)}." if len(sheets) > 1 else f"Sheet “{chosen}”."]
    if has_header:
        headers = [v for v in sample[header_pos]]
        body_start = header_pos + 1
        if header_pos:
            notes.append(f"Skipped {header_pos} row{'s' if header_pos > 1 else ''} above the header; the header "
                         f"is on row {header_pos + 1}.")
    else:
        headers = [f"Column {i + 1}" for i in range(len(cols))]
        body_start = header_pos
    body = pa.table({f"c{i}": c.slice(body_start) for i, c in enumerate(cols)})
    numbers = np.arange(body_start + 1, body_start + 1 + body.num_rows, dtype=np.int64)
    body, numbers, blank = _drop_blank_rows(body, numbers)
    if blank:
        notes.append(f"Skipped {blank:,} empty row{'s' if blank > 1 else ''}.")
    if body.num_rows == 0:
        notes.append("The sheet has a header but no data rows.")
    return RawTable(name=name, columns=_unique_headers(headers), data=body, source_rows=numbers,
                    format="xls" if data[:4] != b"PK\x03\x04" else "xlsx", sheet=chosen, sheets=sheets,
                    header_row=header_pos + 1, has_header=has_header, notes=notes)


def _empty_sheet(name: str, sheet: str, sheets: list[str]) -> RawTable:
    return RawTable(name=name, columns=[], data=pa.table({}), source_rows=np.array([], dtype=np.int64),
                    format="xlsx", sheet=sheet, sheets=sheets, notes=[f"Sheet “{sheet}” is empty."])


# ----- Parquet ----------------------------------------------------------------------------------------------
def _read_parquet(data: bytes, name: str) -> RawTable:
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several error types for damaged files
        raise UnsupportedFile(name, expected="a readable Parquet file", got=str(err).splitlines()[0][:100]) from None
    headers = list(table.column_names)
    cols = [_excel_cell_text(c) for c in table.columns]
    body = pa.table({f"c{i}": c for i, c in enumerate(cols)})
    numbers = np.arange(2, body.num_rows + 2, dtype=np.int64)
    notes = ["Parquet file: row numbers count data rows from 2, as if a header were row 1."]
    return RawTable(name=name, columns=_unique_headers(headers), data=body, source_rows=numbers, format="parquet",
                    notes=notes)
