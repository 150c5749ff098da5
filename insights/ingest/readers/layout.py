"""The layout of a grid of cells, text records or a sheet alike: where its header is (title rows and notes above
it skipped, or no header at all), what its columns are called, and its blank rows."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.errors import IngestError

_DATA_LIKE = re.compile(
    r"^[\s$€£¥+\-(]*(\d[\d.,:/\- ]*|\.\d+)([eE][+-]?\d+)?[)%]?\s*(€|[A-Z]{3})?$"  # numbers, dates, times
    r"|^(true|false|yes|no|y|n)$", re.I)


def _is_data_like(value: str) -> bool:
    v = value.strip()
    return bool(v) and bool(_DATA_LIKE.match(v))


def header_position(records: list[list[str]], header_row: int | None, name: str, rows: int,
                    where: str) -> tuple[int, bool]:
    """(index of the header among ``records``, whether there is one): found by :func:`find_header`, unless the owner
    said where it is (``header_row``, 1-based; ``0``: no header row). A header row past the ``rows`` of the file
    or sheet (``where``) is an error."""
    if header_row is None:
        return find_header(records)
    if header_row == 0:
        return find_header(records)[0], False
    if header_row - 1 >= rows:
        raise IngestError(name, row=header_row, expected="a header on that row", got=f"the end of the {where}")
    return header_row - 1, True


def find_header(records: list[list[str]]) -> tuple[int, bool]:
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
    above = records[header - 1] if header > 0 else []
    if has_header and len(above) > 1 and not any(f.strip() for f in above) \
            and sum(_is_data_like(f) for f in first) * 2 >= len(first):
        # ",,,," above a row that is mostly data: the header row is there but its names are blank
        return header - 1, False
    return header, has_header


# what survey tools (SurveyMonkey) write in a second header row under the question titles
_SECOND_HEADER_CELLS = frozenset({"response", "responses", "open-ended response", "other (please specify)"})


def header_rows(records: list[list[str]], header: int, has_header: bool, notes: list[str]) -> int:
    """How many rows the header at ``header`` takes: 2 when the row under it is a survey tool's second header row
    (SurveyMonkey's "Response" / "Open-Ended Response" under the questions, blank under the respondent's columns),
    else 1 (0 without a header). A second header row is told in ``notes``, never read as data."""
    if not has_header:
        return 0
    if header + 1 >= len(records):
        return 1
    below = records[header + 1]
    cells = [f.strip() for f in below if f.strip()]
    is_second = (bool(cells) and not (below[0] or "").strip() and len(cells) < len(below)
                 and any(c.lower() in _SECOND_HEADER_CELLS for c in cells)
                 and not any(_is_data_like(c) for c in cells))
    if not is_second:
        return 1
    notes.append(f"Row {header + 2} is a second header row (“{cells[0]}” …) under row {header + 1}; "
                 "it was read as part of the header, not as data.")
    return 2


def unique_headers(headers: list[str | None]) -> list[str]:
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


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def drop_blank_rows(table: pa.Table, numbers: np.ndarray) -> tuple[pa.Table, np.ndarray, int]:
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
