"""Errors a shop owner can act on: which file, which row, which column, what was expected, what was there.

    >>> str(IngestError("orders.csv", 14, "Order Date", "a date like 2024-03-31", got="tomorrow"))
    "orders.csv, row 14, column 'Order Date': expected a date like 2024-03-31, got 'tomorrow'"

Every problem with a file the owner gave us is an :class:`IngestError` (or a subclass), never a traceback.
"""

from __future__ import annotations


class IngestError(Exception):
    """A file (or a part of it) that cannot be loaded, said in plain words.

    ``str(err)`` reads as a sentence: "orders.csv, row 14, column 'Order Date': expected a date like
    2024-03-31, got 'tomorrow'". Parts that are unknown are left out. ``hint`` (optional) is a last
    sentence saying what to do ("Split it into smaller files, e.g. one per year.").
    """

    def __init__(self, file, row: int | None = None, column: str | None = None, expected: str | None = None,
                 got: str | None = None, hint: str | None = None):
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.expected = expected
        self.got = got
        self.hint = hint
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
        if self.hint:
            text += ". " + self.hint
        return text

    def __reduce__(self):  # picklable (multiprocessing, caches)
        return (type(self), (self.file, self.row, self.column, self.expected, self.got, self.hint))


class UnsupportedFile(IngestError):
    """Not a spreadsheet Clueboard can read: binary data, a renamed document, a damaged workbook."""


class SuspiciousFile(UnsupportedFile):
    """A workbook that would unpack to far more than its size (how zip bombs look): refused unopened."""


class FileTooLarge(IngestError):
    """Over the size limit (the message gives both sizes in MB)."""


class EmptyFile(IngestError):
    """No data at all: zero bytes, only blank lines, or a workbook whose sheets are all empty."""


class EncodingError(IngestError):
    """The text cannot be decoded in the encoding the owner chose (the row of the first bad byte is given)."""


class SheetNotFound(IngestError):
    """The sheet asked for is not in the workbook (the message lists the sheets there are)."""
