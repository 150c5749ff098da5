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

Modules: ``read`` (the entry points: :func:`read_table`, :func:`list_sheets`, :func:`sniff`), ``table`` (what a
reader returns), ``file_bytes`` (size limits, gzip, the format of the bytes), ``encoding`` and ``delimiters``
(how a text file is written), ``text`` (reading it), ``layout`` (header row, column names, blank rows of any
grid), ``excel`` and ``xlsx_parallel`` (workbooks; a large XLSX sheet on every core), ``cells`` (typed cells as
the text a spreadsheet shows) and ``parquet``.
"""

from __future__ import annotations

from insights.ingest.readers.delimiters import DELIMITER_NAMES, DELIMITERS, detect_delimiter
from insights.ingest.readers.encoding import ENCODING_NAMES, detect_encoding
from insights.ingest.readers.excel import MAX_COMPRESSION_RATIO, RATIO_CHECK_FROM_BYTES, unpacked_limit
from insights.ingest.readers.file_bytes import DEFAULT_MAX_BYTES, EXCEL_SUFFIXES, TEXT_SUFFIXES
from insights.ingest.readers.read import list_sheets, read_file, read_table, sniff
from insights.ingest.readers.table import FileInfo, Progress, RawTable, RowProblem
from insights.ingest.readers.text import THREADED_PARSE_MIN_BYTES

__all__ = ["read_table", "read_file", "list_sheets", "sniff", "RawTable", "RowProblem", "FileInfo", "Progress",
           "detect_encoding", "detect_delimiter", "DEFAULT_MAX_BYTES", "unpacked_limit", "MAX_COMPRESSION_RATIO",
           "RATIO_CHECK_FROM_BYTES", "DELIMITERS", "DELIMITER_NAMES", "ENCODING_NAMES", "EXCEL_SUFFIXES",
           "TEXT_SUFFIXES", "THREADED_PARSE_MIN_BYTES"]
