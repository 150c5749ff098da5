"""Workbooks (XLSX, XLS, ODS) read with fastexcel: refused unopened when they would unpack huge (zip bombs) or are
no workbook, the first sheet with data (or the one asked for) read as text, a large XLSX sheet on every core
(``xlsx_parallel``)."""

from __future__ import annotations

import io
import logging
import os
import zipfile

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.errors import EmptyFile, SheetNotFound, SuspiciousFile, UnsupportedFile
from insights.ingest.readers import xlsx_parallel
from insights.ingest.readers.cells import excel_text
from insights.ingest.readers.layout import (drop_blank_rows, header_position, header_rows, plural,
                                             unique_headers)
from insights.ingest.readers.table import Progress, RawTable

log = logging.getLogger(__name__)

# A zip bomb is told apart by how much it is packed: real workbooks compress 5-20 times (UCI's Online Retail:
# 229 MB of XML in 25 MB, 9 times), a bomb hundreds or thousands of times. The unpacked size is bounded only by
# what this machine can hold while it reads: a share of its available memory, never a size real sheets reach
# (a full sheet, 1,048,576 rows, of 20 columns unpacks to about 2 GB). The sheet's XML itself is never held
# whole (fastexcel and ``xlsx_parallel`` unpack it as a stream; the parallel reader's temporary parts need free
# disk, and it reads the ordinary way without it), but the cells read from it take about as much memory as
# the XML (Online Retail: 229 MB of XML, about 500 MB at the peak of reading it).
MAX_COMPRESSION_RATIO = 100                  # a workbook packed more than 100 times is refused (zip bomb)
RATIO_CHECK_FROM_BYTES = 10 * 1024 ** 2      # the ratio only matters once the unpacked size is notable
MEMORY_SHARE = 3                             # the cells read may use up to a third of the available memory
MIN_UNPACKED_LIMIT = 2 * 1024 ** 3           # ... and never less than a full sheet needs


def available_memory() -> int:
    """Bytes of memory this machine can give without swapping (Linux MemAvailable; else free pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def unpacked_limit() -> int:
    """The most a workbook may unpack to here: a third of the available memory, at least 2 GiB."""
    return max(MIN_UNPACKED_LIMIT, available_memory() // MEMORY_SHARE)


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
    if total > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
        raise SuspiciousFile(
            name, expected=f"a workbook compressed at most {MAX_COMPRESSION_RATIO} times (real workbooks are "
                           "compressed 5 to 20 times)",
            got=f"{total / 1e6:,.0f} MB packed into {packed / 1e6:,.2f} MB, {ratio:,.0f} times",
            hint="It was not opened: that is how zip bombs look. If it is a real workbook, save it as CSV")
    limit = unpacked_limit()
    if total > limit:
        raise SuspiciousFile(
            name, expected=f"a workbook this machine can hold while reading it: at most {limit / 1e9:,.1f} GB "
                           "unpacked (a third of its free memory)",
            got=f"{total / 1e9:,.1f} GB unpacked from {packed / 1e6:,.0f} MB",
            hint="Close other programs and try again, or save the sheet as CSV, which is read in pieces")
    if "word/document.xml" in names:
        raise UnsupportedFile(name, expected="an Excel workbook", got="a Word document",
                              hint="Copy the table into Excel and save it as .xlsx")
    if "ppt/presentation.xml" in names:
        raise UnsupportedFile(name, expected="an Excel workbook", got="a PowerPoint presentation")
    if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
        raise UnsupportedFile(name, expected="an Excel workbook", got="a zip archive without a spreadsheet",
                              hint="Unzip it and upload the spreadsheet inside")


def excel_reader(data: bytes, name: str, kind: str):
    import fastexcel
    if data[:2] == b"PK":
        _check_zip(data, name)
    try:
        return fastexcel.read_excel(data)
    except Exception as err:  # fastexcel raises its own error types for damaged or foreign files
        raise UnsupportedFile(name, expected="an Excel workbook that opens",
                              got=str(err).splitlines()[0][:100] if str(err) else type(err).__name__,
                              hint="Open it in Excel and save it again as .xlsx") from None


def _parallel_sheet(data: bytes, sheet: str) -> pa.Table | None:
    """A large XLSX sheet read on every core, streamed (see ``xlsx_parallel``); None: read it the ordinary way."""
    if data[:2] != b"PK":
        return None
    try:
        return xlsx_parallel.load_sheet(data, sheet)
    except Exception:  # noqa: BLE001 — any surprise in the cut workbook: the ordinary path reads (or reports) it
        log.debug("parallel read of sheet %r fell back to one thread", sheet, exc_info=True)
        return None


def read_excel(data: bytes, name: str, kind: str, sheet: str | None, header_row: int | None,
               report: Progress) -> RawTable:
    reader = excel_reader(data, name, kind)
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
    cols = [excel_text(c) for c in grid.columns]
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
    header_idx, has_header = header_position(records, header_row, name, n, "sheet")
    if has_header:
        headers = list(records[header_idx]) if header_idx < len(records) else []
        body_start = header_idx + header_rows(records, header_idx, has_header, notes)
        above = [r for r in records[:header_idx] if any(v.strip() for v in r)]
        if above:
            notes.append(f"Skipped {plural(len(above), 'title row')} above the header; the header is on row "
                         f"{header_idx + 1}.")
    else:
        headers = [f"Column {i + 1}" for i in range(len(cols))]
        body_start = header_idx
        notes.append("The sheet has no header row: its columns are named Column 1, Column 2, …")
    body = pa.table({f"c{i}": c.slice(body_start) for i, c in enumerate(cols)})
    numbers = np.arange(body_start + 1, body_start + 1 + body.num_rows, dtype=np.int64)
    body, numbers, blank = drop_blank_rows(body, numbers)
    if blank:
        notes.append(f"Skipped {plural(blank, 'blank row')}.")
    if body.num_rows == 0:
        notes.append("The sheet has a header but no data rows.")
    return RawTable(name=name, columns=unique_headers(headers), data=body,
                    source_rows=pa.array(numbers, pa.int64()), format=kind, sheet=chosen, sheets=sheets,
                    header_row=header_idx + 1, has_header=has_header, notes=notes)
