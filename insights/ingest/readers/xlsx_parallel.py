"""Reading one large XLSX sheet on every core, without holding its unpacked XML.

fastexcel (calamine) parses a sheet's XML on one core: 0.6–0.9 s for 100,000 rows here. An XLSX file is a
zip of XML parts, and a sheet's rows are a flat list of ``<row r="N">`` elements inside ``<sheetData>``, so
the sheet can be cut between two rows into parts that are each a valid workbook (the same shared strings,
styles and everything else, the sheet holding only its share of the rows). The sheet's XML is unpacked as a
stream (a few MB at a time, never whole: UCI's Online Retail unpacks to 234 MB) and each part is written to
a temporary file (stored, not compressed) as soon as the stream has passed it; fastexcel reads the finished
parts in threads (it releases the GIL) while the next one is written, and the pieces are put back together
in row order.

What fastexcel returns for a sheet decides how the pieces fit:

* rows are absolute — output row ``i`` is sheet row ``i + 1`` (blank rows above the data come back empty),
  so a part holding rows 50,001–100,000 comes back with 50,000 empty rows first;
* columns start at the sheet's first non-empty column, which may differ between parts.

So every part gets a one-cell *marker* row in column A — the first part after its last row, the others on
row 1, which they never hold — so that every part's columns start at column A and no part ends early on
trailing empty rows. The markers are cut away, narrower parts are padded with empty columns on the right,
and the result is trimmed after its last non-empty row (where fastexcel ends an unsplit sheet). Leading
empty columns this adds are empty everywhere, and the reader drops every empty column anyway, so the
result is the same table as one fastexcel call (``tests/ingest/test_readers.py`` checks it cell for cell).

Anything unusual — no ``<sheetData>``, namespace prefixes, a row without its ``r`` number, a part with no
rows, too little free disk for the parts — returns ``None`` and the caller reads the sheet the ordinary way
(fastexcel alone, which also unpacks the sheet as a stream).
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import numpy as np
import pyarrow as pa

SPLIT_FROM_BYTES = 8_000_000      # a sheet's XML below this reads in well under 0.2 s: not worth cutting
CHUNK_BYTES = 4 * 1024 ** 2       # the sheet's XML is unpacked this much at a time
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_MARKER_TEXT = "\u2063clueboard-part\u2063"
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>'
                b'</worksheet>')
_PART_END = b"</sheetData></worksheet>"
_AFTER_ROW = (b" ", b">", b"/", b"\t", b"\n", b"\r")


class _CannotCut(Exception):
    """The sheet is not shaped the way this module cuts: read it the ordinary way."""


def default_parts() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def sheet_xml_path(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip entry holding ``sheet``'s XML, from the workbook and its relationships."""
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    rel_id = None
    for node in workbook.iter(f"{_MAIN_NS}sheet"):
        if node.get("name") == sheet:
            rel_id = node.get(f"{_REL_NS}id")
            break
    if rel_id is None:
        return None
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return path if path in zf.namelist() else None
    return None


def _row_number(xml, at: int) -> int | None:
    match = _ROW_NUMBER.match(xml, at)
    return int(match.group(1)) if match else None


def _row_start(xml, start: int, end: int) -> int:
    """The first ``<row`` element tag at or after ``start`` (``-1`` if none before ``end``)."""
    while True:
        at = xml.find(b"<row", start, end)
        if at < 0 or xml[at + 4:at + 5] in _AFTER_ROW:
            return at
        start = at + 4                       # <rowBreaks and the like are no row


def _last_row_start(xml, start: int, end: int) -> int:
    """The last complete-looking ``<row`` element tag in ``xml[start:end]`` (``-1`` if none)."""
    while True:
        at = xml.rfind(b"<row", start, end)
        if at < 0 or xml[at + 4:at + 5] in _AFTER_ROW:
            return at
        end = at + 3


def cut_points(xml: bytes, parts: int) -> tuple[int, int, list[int]] | None:
    """(start, end) of the rows inside ``<sheetData>`` and the offsets where parts 2… begin, each at a
    ``<row`` tag; None when the sheet cannot be cut safely. (The cuts :func:`write_parts` makes in a stream,
    for a sheet held whole.)"""
    open_at = xml.find(b"<sheetData>")
    close_at = xml.rfind(b"</sheetData>")
    if open_at < 0 or close_at < open_at:
        return None
    start, end = open_at + len(b"<sheetData>"), close_at
    cuts, previous = [], start
    for k in range(1, parts):
        at = _row_start(xml, max(previous + 1, start + (end - start) * k // parts), end)
        if at < 0:
            break
        cuts.append(at)
        previous = at
    if not cuts:
        return None
    bounds = [start, *cuts, end]
    for lo, hi in zip(bounds, bounds[1:]):
        first = _row_start(xml, lo, hi)
        last = _last_row_start(xml, lo, hi)
        if first < 0 or _row_number(xml, first) is None or _row_number(xml, last) is None:
            return None
    return start, end, cuts


def _marker_row(row: int) -> bytes:
    return (f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{_MARKER_TEXT}</t></is></c></row>').encode()


class _PartWriter:
    """Writes the sheet's rows, as they stream past, into ``parts`` workbooks in ``folder``; each finished
    part is handed to ``on_part(path)``."""

    def __init__(self, source: zipfile.ZipFile, path: str, head: bytes, size: int, parts: int, folder: Path,
                 on_part):
        self.source, self.path, self.head, self.parts, self.folder = source, path, head, parts, folder
        self.on_part = on_part
        rows_size = max(1, size - len(head))
        self.targets = [rows_size * k // parts for k in range(parts)]     # where part k should begin
        self.consumed = 0                     # bytes of rows streamed so far
        self.keep: list[tuple[int, int | None]] = []
        self.lo = 0
        self.k = -1
        self._start()

    def _start(self) -> None:
        self.k += 1
        self.first_row = self.last_row = None
        self.out = zipfile.ZipFile(self.folder / f"part{self.k}.xlsx", "w", zipfile.ZIP_STORED)
        for info in self.source.infolist():
            if info.filename == self.path:
                continue
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                self.out.writestr(info.filename, _EMPTY_SHEET)   # the other sheets are not read: not copied
            else:
                with self.source.open(info) as src, self.out.open(info.filename, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, CHUNK_BYTES)
        self.sheet = self.out.open(self.path, "w", force_zip64=True)
        self.sheet.write(self.head)
        if self.k:
            self.sheet.write(_marker_row(1))

    def _emit(self, rows) -> None:
        """Whole rows (``rows`` starts at a row tag or is blank, and ends before one) into the current part."""
        if not rows:
            return
        if self.first_row is None:
            first = _row_start(rows, 0, len(rows))
            if first >= 0:
                self.first_row = _row_number(rows, first)
                if self.first_row is None or (self.k and self.first_row <= 1):
                    raise _CannotCut
        last = _last_row_start(rows, 0, len(rows))
        if last >= 0:
            self.last_row = _row_number(rows, last)
            if self.last_row is None:
                raise _CannotCut
        self.sheet.write(rows)

    def _finish(self, tail: bytes | None) -> None:
        if self.first_row is None or self.last_row is None:
            raise _CannotCut                  # a part without rows
        last_part = tail is not None
        self.sheet.write(tail if last_part else _marker_row(self.last_row + 1) + _PART_END)
        self.sheet.close()
        self.out.close()
        hi = None if last_part else self.last_row
        if hi is not None and hi < self.lo:
            raise _CannotCut
        self.keep.append((self.lo, hi))
        if hi is not None:
            self.lo = self.last_row
        self.on_part(self.folder / f"part{self.k}.xlsx")

    def rows(self, segment) -> None:
        """The next stretch of rows (starting at a row tag, ending before one); parts are cut inside it."""
        at = 0
        while self.k + 1 < self.parts:
            want = self.targets[self.k + 1] - self.consumed
            if want >= len(segment):
                break
            cut = _row_start(segment, max(want, at + 1 if self.first_row is None else at), len(segment))
            if cut < 0:
                break
            self._emit(segment[at:cut])
            self._finish(None)
            self._start()
            at = cut
        self._emit(segment[at:])
        self.consumed += len(segment)

    def end(self, tail: bytes) -> list[tuple[int, int | None]]:
        self._finish(tail)
        return self.keep

    def close(self) -> None:
        try:
            self.sheet.close()
            self.out.close()
        except (OSError, ValueError):
            pass


def write_parts(data: bytes, sheet: str, parts: int, folder: Path, min_bytes: int | None = None,
                on_part=lambda path: None) -> list[tuple[int, int | None]] | None:
    """``sheet``'s XML streamed into ``parts`` workbooks ``folder/part0.xlsx``… (each handed to ``on_part`` as
    soon as it is written); for each part the output rows to keep (``lo``, ``hi``; ``hi`` None for the last).
    None if the sheet is small, cannot be cut, or the folder's disk has no room for the parts."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = sheet_xml_path(zf, sheet)
        if path is None:
            return None
        size = zf.getinfo(path).file_size
        if size < (SPLIT_FROM_BYTES if min_bytes is None else min_bytes):
            return None
        if shutil.disk_usage(folder).free < 2 * size + len(data):
            return None
        with zf.open(path) as src:
            return _stream(zf, src, path, size, parts, folder, on_part)


def _stream(zf, src, path, size, parts, folder, on_part):
    buf = bytearray()
    writer = None
    try:
        for chunk in iter(lambda: src.read(CHUNK_BYTES), b""):
            buf += chunk
            if writer is None:
                open_at = buf.find(b"<sheetData>")
                if open_at < 0:
                    if len(buf) > 64 * CHUNK_BYTES:
                        return None           # no plain <sheetData> near the top: not this module's shape
                    continue
                writer = _PartWriter(zf, path, bytes(buf[:open_at + len(b"<sheetData>")]), size, parts, folder,
                                     on_part)
                del buf[:open_at + len(b"<sheetData>")]
            at = _last_row_start(buf, 1, len(buf))     # rows before the last row tag are complete
            if at > 0:
                writer.rows(memoryview(buf)[:at].tobytes())
                del buf[:at]
        close_at = buf.rfind(b"</sheetData>")
        if writer is None or close_at < 0:
            return None
        writer.rows(bytes(buf[:close_at]))
        return writer.end(bytes(buf[close_at:]))
    except _CannotCut:
        return None
    finally:
        if writer is not None:
            writer.close()


def _read_part(part: Path, sheet: str) -> pa.Table:
    """One part, read by fastexcel; its file is removed once read."""
    try:
        reader = fastexcel.read_excel(str(part))
        table = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string",
                                  dtype_coercion="coerce").to_arrow()
    finally:
        part.unlink(missing_ok=True)
    return pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table


def _widen(table: pa.Table, width: int) -> list[pa.ChunkedArray]:
    columns = [table.column(i) for i in range(table.num_columns)]
    return columns + [pa.chunked_array([pa.nulls(table.num_rows, pa.string())])] * (width - len(columns))


def load_sheet(data: bytes, sheet: str, parts: int | None = None, min_bytes: int | None = None) -> pa.Table | None:
    """The sheet as fastexcel returns it (every cell as text, ``header_row=None``) read in ``parts`` threads,
    except that columns start at column A (extra leading columns are empty). None when the sheet is small or
    cannot be cut: read it the ordinary way."""
    parts = parts or default_parts()
    if parts < 2:
        return None
    with tempfile.TemporaryDirectory(prefix="clueboard-sheet-") as tmp, \
            concurrent.futures.ThreadPoolExecutor(parts) as pool:
        futures = []
        keep = write_parts(data, sheet, parts, Path(tmp), min_bytes,
                           on_part=lambda part: futures.append(pool.submit(_read_part, part, sheet)))
        tables = [f.result() for f in futures] if keep is not None else None
        for f in futures:
            f.cancel()
    if tables is None:
        return None
    return _join(tables, keep)


def _join(tables: list[pa.Table], keep: list[tuple[int, int | None]]) -> pa.Table | None:
    width = max(t.num_columns for t in tables)
    kept = []                                 # each part's own rows, as columns 0..width-1
    for table, (lo, hi) in zip(tables, keep):
        hi = table.num_rows if hi is None else hi
        if hi > table.num_rows or lo > hi:
            return None                       # not the shape this module expects: read it the ordinary way
        kept.append([c.slice(lo, hi - lo) for c in _widen(table, width)])
    columns = [pa.chunked_array([chunk for part in kept for chunk in part[i].chunks], pa.string())
               for i in range(width)]
    n = len(columns[0])
    # fastexcel ends a sheet at its last non-empty row; the markers may have carried a part past it
    filled = np.zeros(n, dtype=bool)
    for column in columns:
        filled |= column.is_valid().to_numpy(zero_copy_only=False)
    rows = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    return pa.table({f"__UNNAMED__{i}": c.slice(0, rows) for i, c in enumerate(columns)})
