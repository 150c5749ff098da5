"""What a reader returns: a file read as text (:class:`RawTable`), the rows it could not read at all
(:class:`RowProblem`), and what a cheap look at a file sees (:class:`FileInfo`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pyarrow as pa

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
