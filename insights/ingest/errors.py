"""Errors a shop owner can act on: which file, which row, which column, what was expected, what was there."""

from __future__ import annotations


class IngestError(Exception):
    """A file (or a part of it) that cannot be loaded, said in plain words.

    ``str(err)`` reads as a sentence: "orders.csv, row 14, column 'Order Date': expected a date like
    2024-03-31, got 'tomorrow'". Parts that are unknown are left out.
    """

    def __init__(self, file, row: int | None = None, column: str | None = None, expected: str | None = None,
                 got: str | None = None):
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.expected = expected
        self.got = got
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [p for p in (self.file, f"row {self.row}" if self.row is not None else None,
                             f"column '{self.column}'" if self.column else None) if p]
        text = ", ".join(where)
        if self.expected:
            text += (": " if text else "") + f"expected {self.expected}"
        if self.got is not None:
            shown = self.got if len(self.got) <= 60 else self.got[:57] + "…"
            text += f", got '{shown}'"
        return text


class UnsupportedFile(IngestError):
    """Not a spreadsheet Clueboard can read (binary, a renamed document, a suspicious archive)."""


class FileTooLarge(IngestError):
    """Over the size limit."""


class EmptyFile(IngestError):
    """No data at all."""
