"""Reading one large XLSX sheet on every core.

fastexcel (calamine) parses a sheet's XML on one core: 0.6–0.9 s for 100,000 rows here. An XLSX file is a
zip of XML parts, and a sheet's rows are a flat list of ``<row r="N">`` elements inside ``<sheetData>``, so
the sheet can be cut between two rows into parts that are each a valid workbook (the same shared strings,
styles and everything else, the sheet holding only its share of the rows). fastexcel reads the parts in
threads (it releases the GIL) and the pieces are put back together in row order.

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
rows — returns ``None`` and the caller reads the sheet the ordinary way.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import posixpath
import re
import zipfile
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa

SPLIT_FROM_BYTES = 8_000_000      # a sheet's XML below this reads in well under 0.2 s: not worth cutting
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_MARKER_TEXT = "\u2063clueboard-part\u2063"


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


def _row_number(xml: bytes, at: int) -> int | None:
    match = _ROW_NUMBER.match(xml, at)
    return int(match.group(1)) if match else None


def _row_start(xml: bytes, start: int, end: int) -> int:
    """The first ``<row`` element tag at or after ``start`` (``-1`` if none before ``end``)."""
    while True:
        at = xml.find(b"<row", start, end)
        if at < 0 or xml[at + 4:at + 5] in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            return at
        start = at + 4                       # <rowBreaks and the like are no row


def cut_points(xml: bytes, parts: int) -> tuple[int, int, list[int]] | None:
    """(start, end) of the rows inside ``<sheetData>`` and the offsets where parts 2… begin, each at a
    ``<row`` tag; None when the sheet cannot be cut safely."""
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
        last = xml.rfind(b"<row", lo, hi)
        if first < 0 or _row_number(xml, first) is None or _row_number(xml, last) is None:
            return None
    return start, end, cuts


def _marker_row(row: int) -> bytes:
    return (f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{_MARKER_TEXT}</t></is></c></row>').encode()


def split_workbook(data: bytes, sheet: str, parts: int, min_bytes: int | None = None):
    """``sheet``'s XML cut into ``parts`` pieces: (zip entry name, the workbook's other entries, the pieces as
    lists of byte strings to join, and for each piece the output rows to keep (``lo``, ``hi``; ``hi`` None for
    the last)). None if the sheet is small or cannot be cut."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = sheet_xml_path(zf, sheet)
        if path is None or zf.getinfo(path).file_size < (SPLIT_FROM_BYTES if min_bytes is None else min_bytes):
            return None
        xml = zf.read(path)
        found = cut_points(xml, parts)
        if found is None:
            return None
        start, end, cuts = found
        others = [(info.filename, zf.read(info)) for info in zf.infolist() if info.filename != path]
    bounds = [start, *cuts, end]
    view = memoryview(xml)
    head, tail = view[:start], view[end:]
    pieces, keep = [], []
    lo = 0
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        last_row = _row_number(xml, xml.rfind(b"<row", a, b))
        first_row = _row_number(xml, _row_start(xml, a, b))
        last_part = k == len(bounds) - 2
        if k and first_row <= 1:
            return None
        pieces.append([head, _marker_row(1) if k else b"", view[a:b],
                       b"" if last_part else _marker_row(last_row + 1), tail])
        hi = None if last_part else last_row
        if hi is not None and hi < lo:
            return None
        keep.append((lo, hi))
        lo = last_row if hi is not None else lo
    return path, others, pieces, keep


def _read_part(path: str, others: list, piece: list, sheet: str) -> pa.Table:
    """One piece as a workbook of its own (stored, not compressed), read by fastexcel."""
    import fastexcel
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for name, content in others:
            zout.writestr(name, content)
        zout.writestr(path, b"".join(piece))
    reader = fastexcel.read_excel(out.getvalue())
    table = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string",
                              dtype_coercion="coerce").to_arrow()
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
    split = split_workbook(data, sheet, parts, min_bytes)
    if split is None:
        return None
    path, others, pieces, keep = split
    with concurrent.futures.ThreadPoolExecutor(len(pieces)) as pool:
        tables = list(pool.map(lambda piece: _read_part(path, others, piece, sheet), pieces))
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
