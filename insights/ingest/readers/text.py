"""Text files (CSV, TSV, TXT, whitespace-separated): decoded, split and numbered as a spreadsheet shows them.

A file whose first megabyte is UTF-8 goes to pyarrow's parser undecoded (on every core when it is large); ragged
rows are returned with their row numbers and reasons, never padded or cut (empty fields at the end of a row are
harmless and dropped); blank lines are skipped and counted; a quote opened and never closed is refused.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from insights.ingest.errors import EmptyFile, IngestError, UnsupportedFile
from insights.ingest.readers.delimiters import DELIMITER_NAMES, detect_delimiter, head_records
from insights.ingest.readers.encoding import (decode, looks_binary, looks_like_json, stray_nul_lines,
                                              utf16_without_bom)
from insights.ingest.readers.layout import (drop_blank_rows, header_position, header_rows, plural,
                                             unique_headers)
from insights.ingest.readers.table import Progress, RawTable, RowProblem


def _utf8_head(head: bytes, whole: bool) -> str | None:
    """The text of ``head`` when it is UTF-8 (a character cut at its end is fine unless it is the whole file)."""
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as err:
        if not whole and err.start > len(head) - 4:
            return head[:err.start].decode("utf-8")
        return None


THREADED_PARSE_MIN_BYTES = 8 << 20    # below this, one thread parses as fast


def read_text(data: bytes, name: str, encoding: str | None, delimiter: str | None, header_row: int | None,
              report: Progress, *, fast: bool = True) -> RawTable:
    """Text files. Fast path: a file whose first megabyte is UTF-8 goes to the parser undecoded (pyarrow
    checks the rest is UTF-8 too); if it is not, the file is read again with its encoding detected."""
    notes: list[str] = []
    nuls, nul_lines = stray_nul_lines(data) if not utf16_without_bom(data[:4096]) else (0, [])
    if nuls:
        data = data.replace(b"\x00", b"")
        notes.append(f"Removed {plural(nuls, 'invisible NUL character')} (line {', '.join(map(str, nul_lines))}"
                     f"{' …' if nuls > len(nul_lines) else ''} of the file): some tills and databases write them.")
    head = data[:1 << 20]
    whole = len(head) == len(data)
    text = None
    if (fast and encoding is None and head[:3] != b"\xef\xbb\xbf" and head[:2] not in (b"\xff\xfe", b"\xfe\xff")
            and not utf16_without_bom(head[:4096])):
        text = _utf8_head(head, whole)
    if text is not None:
        codec, label = "utf-8", None
    else:
        text, codec, label = decode(data, name, encoding)
        whole = True
    if label and not encoding:
        notes.append(f"Detected encoding {label}.")
    if looks_binary(text[:20_000]):
        raise UnsupportedFile(name, expected="a spreadsheet (CSV, TSV or TXT text, an Excel workbook or Parquet)",
                              got="binary data", hint="If it is an Excel file, open it in Excel and save it as .xlsx")
    if whole and not text.strip():
        raise EmptyFile(name, hint="The file has no data (only blank lines).")
    if looks_like_json(text):
        raise UnsupportedFile(name, expected="a spreadsheet: rows of values separated by commas, semicolons or tabs "
                                             "(CSV, TSV, TXT), an Excel workbook or Parquet",
                              got="JSON data",
                              hint="Export the data as CSV from the tool that made it, or open it in Excel "
                                   "(Data › Get Data › From JSON) and save it as .xlsx")
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
                return read_text(data, name, encoding, delimiter, header_row, report, fast=False)
        body = re.sub(r"[ \t]+", "\t", text)
        body = re.sub(r"(?m)^\t|\t(?=\r?$)", "", body)
        sep, quoting = "\t", False
    else:
        body, sep, quoting = text, delim, True
    if quoting:
        records = head_records(body, sep)
    else:
        records = [ln.split("\t") if ln else [] for ln in body[:200_000].splitlines()[:200]]
    if not any(any(f.strip() for f in r) for r in records):
        raise UnsupportedFile(name, expected="rows of values separated by commas, semicolons, tabs or bars",
                              got=text[:40].strip(), hint="Check that it is a spreadsheet saved as CSV")
    header_idx, has_header = header_position(records, header_row, name, len(records), "file")
    if has_header:
        headers = list(records[header_idx])
        while len(headers) > 1 and not headers[-1].strip():   # "a,b,c," headers: the last, unnamed one
            headers.pop()
        body_skip = header_idx + header_rows(records, header_idx, has_header, notes)
    else:
        filled = [r for r in records[header_idx:] if any(f.strip() for f in r)]
        width = Counter(len(r) for r in filled).most_common(1)[0][0]
        headers = [f"Column {i + 1}" for i in range(width)]
        body_skip = header_idx
        notes.append("The file has no header row: its columns are named Column 1, Column 2, …")
    width = len(headers)
    blank_above = sum(1 for r in records[:header_idx] if not any(f.strip() for f in r))
    if header_idx - blank_above > 0:
        notes.append(f"Skipped {plural(header_idx - blank_above, 'title row')} above the header; "
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

    def parse(threads: bool, block_size: int | None = None) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(body_bytes),
            read_options=pacsv.ReadOptions(use_threads=threads, skip_rows=body_skip, column_names=names,
                                           block_size=block_size or (1 << 24 if not threads else 1 << 22)),
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
        try:
            table = parse(threaded)
        except pa.ArrowInvalid as err:
            if "straddl" not in str(err):
                raise
            # one cell longer than a parse block (a long note, a pasted document): parse the file as one block
            problems.clear()
            threaded = False
            table = parse(False, block_size=len(body_bytes) + 1)
        if threaded and problems:
            problems.clear()
            table = parse(False)
    except (pa.ArrowInvalid, pa.ArrowException) as err:
        message = str(err).splitlines()[0][:120]
        if fast and "utf8" in message.lower().replace("-", ""):
            return read_text(data, name, encoding, delimiter, header_row, report, fast=False)
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
    table, numbers, blank_rows = drop_blank_rows(table, numbers)
    blank_lines += blank_rows
    if blank_lines:
        notes.append(f"Skipped {plural(blank_lines, 'blank line')} between the rows.")
    if kept_extra:
        notes.append(f"{plural(len(kept_extra), 'row')} ended with extra empty fields; they were ignored.")
    if rejected:
        notes.append(f"{plural(len(rejected), 'row')} could not be read (wrong number of fields); "
                     "they are listed with their row numbers.")
    if table.num_rows == 0 and not rejected:
        notes.append("The file has a header but no data rows.")
    return RawTable(name=name, columns=unique_headers(headers), data=table, source_rows=pa.array(numbers, pa.int64()),
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
