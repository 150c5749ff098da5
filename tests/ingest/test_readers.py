"""Reading files into all-text tables (insights/ingest/readers/) and the errors a shop owner sees."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile

import numpy as np
import pyarrow as pa
import pytest

from insights.ingest import errors as E
from insights.ingest.readers import DEFAULT_MAX_BYTES, list_sheets, read_file
from tests.corpus.make_corpus import xlsx_workbook


# ----- errors -----------------------------------------------------------------------------------------------
def test_error_reads_as_a_sentence():
    err = E.IngestError("orders.csv", 14, "Order Date", "a date like 2024-03-31", "tomorrow")
    assert str(err) == "orders.csv, row 14, column 'Order Date': expected a date like 2024-03-31, got 'tomorrow'"
    assert (err.file, err.row, err.column, err.expected, err.got) == ("orders.csv", 14, "Order Date",
                                                                      "a date like 2024-03-31", "tomorrow")


def test_error_leaves_out_unknown_parts():
    assert str(E.IngestError("a.csv", expected="some rows of data")) == "a.csv: expected some rows of data"
    assert str(E.IngestError("a.csv", row=3)) == "a.csv, row 3"


def test_error_family():
    for cls in (E.UnsupportedFile, E.FileTooLarge, E.EmptyFile):
        assert issubclass(cls, E.IngestError)


# ----- text files -------------------------------------------------------------------------------------------
def test_all_columns_text_named_c0_and_headers_kept():
    raw = read_file(b"Order,Amount\nA1,12.50\nA2,\n", name="o.csv")
    assert raw.columns == ["Order", "Amount"]
    assert raw.data.column_names == ["c0", "c1"]
    assert raw.data.schema.types == [pa.string(), pa.string()]
    assert raw.data.column("c1").to_pylist() == ["12.50", None]
    assert raw.format == "csv" and raw.has_header and raw.header_row == 1


def test_source_rows_are_spreadsheet_rows_as_int64():
    raw = read_file(b"a,b\n1,2\n3,4\n", name="x.csv")
    rows = np.asarray(raw.source_rows)
    assert rows.dtype == np.int64 and rows.tolist() == [2, 3]


def test_first_row_of_dates_and_numbers_is_no_header():
    raw = read_file(b"2024-01-01,12.5\n2024-01-02,13\n", name="x.csv")
    assert not raw.has_header and raw.columns == ["Column 1", "Column 2"]
    assert np.asarray(raw.source_rows).tolist() == [1, 2]


def test_delimiter_and_encoding_can_be_chosen():
    data = "a;b\nCafé;1,5\n".encode("cp1252")
    raw = read_file(data, name="x.csv", encoding="cp1252", delimiter=";")
    assert raw.data.to_pylist() == [{"c0": "Café", "c1": "1,5"}]
    with pytest.raises(E.IngestError) as info:
        read_file("a;b\nCafé;1\n".encode("cp1252"), name="x.csv", encoding="utf-8")
    assert "x.csv" in str(info.value) and "row 2" in str(info.value)


@pytest.mark.parametrize("text, label", [
    ("Kunde;Betrag\nMüller;12,50\nJosé;3\n", "1252"),
    ("name,city\nJosé,São Paulo\n", "1252"),
])
def test_western_text_that_is_not_utf8_is_windows_1252_and_said_so(text, label):
    raw = read_file(text.encode("cp1252"), name="x.csv")
    assert raw.data.column("c1" if "city" in text else "c0").to_pylist()[0] in ("São Paulo", "Müller")
    assert any(label in n for n in raw.notes)


def test_ragged_row_numbers_follow_quoted_line_breaks():
    data = b'id,note,amount\n1,"two\nlines",5\n2,x\n3,y,7\n'
    raw = read_file(data, name="x.csv")
    assert np.asarray(raw.source_rows).tolist() == [2, 4]
    assert [p.source_row for p in raw.rejected] == [3]
    assert "2 fields" in raw.rejected[0].reason and "expected 3" in raw.rejected[0].reason


def test_gzip_is_unpacked_by_magic_bytes():
    raw = read_file(gzip.compress(b"a,b\n1,2\n"), name="x.csv.gz")
    assert raw.columns == ["a", "b"] and raw.data.num_rows == 1


def test_size_limit_message_has_megabytes():
    with pytest.raises(E.FileTooLarge) as info:
        read_file(b"a,b\n" + b"1,2\n" * 300_000, name="big.csv", max_bytes=1_000_000)
    assert "MB" in str(info.value) and "big.csv" in str(info.value)
    # no fixed cap a real file hits (issue 16): the default limit is memory and disk, not a byte count
    assert DEFAULT_MAX_BYTES > 1024 ** 4


def test_empty_bytes_are_an_empty_file():
    with pytest.raises(E.EmptyFile):
        read_file(b"", name="x.csv")


# ----- workbooks --------------------------------------------------------------------------------------------
def test_xlsx_cells_as_text_dates_iso_whole_numbers_plain():
    data = xlsx_workbook({"S": [["id", "day", "at", "qty", "price"],
                        [17850, dt.date(2024, 3, 31), dt.datetime(2024, 3, 31, 14, 5), 3.0, 2.55]]})
    raw = read_file(data, name="o.xlsx")
    assert raw.data.to_pylist() == [{"c0": "17850", "c1": "2024-03-31", "c2": "2024-03-31 14:05:00", "c3": "3",
                                     "c4": "2.55"}]
    assert raw.format == "xlsx"


def test_every_sheet_listed_first_non_empty_read_and_a_sheet_can_be_chosen():
    data = xlsx_workbook({"Cover": [], "Orders": [["a"], [1]], "Customers": [["name"], ["Ann"], ["Bob"]]})
    assert list_sheets(data) == ["Cover", "Orders", "Customers"]
    raw = read_file(data, name="w.xlsx")
    assert raw.sheet == "Orders" and raw.sheets == ["Cover", "Orders", "Customers"]
    raw = read_file(data, name="w.xlsx", sheet="Customers")
    assert raw.columns == ["name"] and raw.data.num_rows == 2
    with pytest.raises(E.IngestError) as info:
        read_file(data, name="w.xlsx", sheet="Nope")
    assert "Customers" in str(info.value)


def test_text_file_has_no_sheets(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert list_sheets(path) == []


# ----- more rules: the brief's entry points, overrides, odd text, workbooks -------------------------------------
from insights.ingest import readers as R  # noqa: E402
from insights.ingest.readers import excel as XL  # noqa: E402
from insights.ingest.readers import text as T  # noqa: E402


def test_read_table_is_the_entry_point_and_reports_progress(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"a,b\n1,2\n")
    seen = []
    raw = R.read_table(path, progress=lambda fraction, message: seen.append((fraction, message)))
    assert raw.name == "orders.csv" and raw.data.num_rows == 1
    assert seen[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in seen)
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


def test_sniff_is_cheap_and_says_format_encoding_delimiter_sheets(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("a;b\nCafé;1\n".encode("cp1252"))
    info = R.sniff(path)
    assert (info.format, info.encoding, info.delimiter, info.size) == ("csv", "cp1252", ";", path.stat().st_size)
    info = R.sniff(xlsx_workbook({"A": [["x"], [1]], "B": []}), name="w.xlsx")
    assert info.format == "xlsx" and info.sheets == ["A", "B"]
    assert R.sniff(b"00001 19970101 1 11.77\n00002 19970102 2 3.00\n", name="c.txt").delimiter == "whitespace"
    with pytest.raises(E.EmptyFile):
        R.sniff(b"", name="e.csv")


def test_header_row_can_be_given_and_zero_means_no_header():
    data = b"Report\nid,amount\n1,2\n"
    raw = R.read_table(data, name="x.csv", header_row=2)
    assert raw.columns == ["id", "amount"] and R.read_table(data, name="x.csv").header_row == 2
    raw = R.read_table(b"id,amount\n1,2\n", name="x.csv", header_row=0)
    assert not raw.has_header and raw.columns == ["Column 1", "Column 2"] and raw.data.num_rows == 2
    assert np.asarray(raw.source_rows).tolist() == [1, 2]


def test_rejected_row_reads_as_a_sentence():
    raw = R.read_table(b"a,b,c\n1,2,3\n1,2,3,4\n", name="x.csv")
    assert str(raw.rejected[0]) == "row 3 has 4 fields, expected 3 (a delimiter inside a value that is not in quotes?)"
    assert raw.rejected[0].value == "1,2,3,4" and raw.rejected[0].column is None


def test_blank_lines_are_skipped_and_counted_in_the_notes():
    raw = R.read_table(b"a,b\n1,2\n\n,\n3,4\n", name="x.csv")
    assert np.asarray(raw.source_rows).tolist() == [2, 5] and not raw.rejected
    assert any("2 blank lines" in n for n in raw.notes)


def test_too_few_fields_are_rejected_not_padded_but_trailing_empties_are_fine():
    raw = R.read_table(b"a,b,c\n1,2\n4,5,6,,\n", name="x.csv")
    assert [p.source_row for p in raw.rejected] == [2]
    assert raw.data.to_pylist() == [{"c0": "4", "c1": "5", "c2": "6"}]


def test_utf16_without_byte_order_mark_is_recognised():
    raw = R.read_table("id,name\n1,Zoë\n".encode("utf-16-le"), name="x.csv")
    assert raw.encoding == "utf-16-le" and raw.data.column("c1").to_pylist() == ["Zoë"]


def test_bytes_windows_1252_cannot_decode_fall_back_to_latin1_never_replaced():
    raw = R.read_table(b"id,name\n1,Gr\xfc\xdfe\n2,a\x81b\n", name="x.csv")
    assert raw.encoding == "latin-1" and raw.data.column("c1").to_pylist() == ["Grüße", "a\x81b"]
    assert "\ufffd" not in "".join(raw.data.column("c1").to_pylist())


def test_unclosed_quote_is_refused_with_its_row_and_inch_marks_are_fine():
    with pytest.raises(E.UnsupportedFile) as info:
        R.read_table(b'id,note\n1,ok\n2,"never closed\n3,x\n', name="q.csv")
    assert "q.csv, row 3" in str(info.value) and "quote" in str(info.value)
    raw = R.read_table(b'sku,description\nTV1,55" screen\n', name="i.csv")
    assert raw.data.column("c1").to_pylist() == ['55" screen']


@pytest.mark.parametrize("data, name, fragment", [
    (b"%PDF-1.7\n...", "report.csv", "PDF"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "export.xls", "HTML"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls", "old.xls"),
])
def test_documents_that_are_not_spreadsheets_are_refused_plainly(data, name, fragment):
    with pytest.raises(E.UnsupportedFile) as info:
        R.read_table(data, name=name)
    assert fragment in str(info.value)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_zip_bomb_refused_by_its_compression_before_opening():
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"<worksheet><sheetData>" + row * 400_000 + b"</sheetData></worksheet>"})
    with pytest.raises(E.SuspiciousFile) as info:
        R.read_table(bomb, name="w.xlsx")
    text = str(info.value)
    assert "w.xlsx" in text and "compressed at most 100 times" in text and "not opened" in text


def test_workbook_larger_than_this_machine_can_hold_is_refused(monkeypatch):
    data = xlsx_workbook({"S": [["a"], [1]]})
    monkeypatch.setattr(XL, "available_memory", lambda: 3000)
    monkeypatch.setattr(XL, "MIN_UNPACKED_LIMIT", 1000)
    with pytest.raises(E.SuspiciousFile) as info:
        R.read_table(data, name="w.xlsx")
    assert "w.xlsx" in str(info.value) and "free memory" in str(info.value)


def test_the_unpacked_limit_follows_the_machine_and_never_refuses_a_full_sheet(monkeypatch):
    monkeypatch.setattr(XL, "available_memory", lambda: 30 * 1024 ** 3)
    assert XL.unpacked_limit() == 10 * 1024 ** 3
    monkeypatch.setattr(XL, "available_memory", lambda: 1024 ** 3)
    assert XL.unpacked_limit() == XL.MIN_UNPACKED_LIMIT >= 2 * 1024 ** 3


def test_available_memory_is_read_from_the_machine():
    assert XL.available_memory() > 100 * 1024 ** 2


def test_zip_without_a_spreadsheet_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("orders.csv", "a,b\n1,2\n")
    with pytest.raises(E.UnsupportedFile) as info:
        R.read_table(buf.getvalue(), name="orders.xlsx")
    assert "Unzip" in str(info.value)


def test_xlsx_numbers_without_float_noise_and_title_rows_skipped():
    data = xlsx_workbook({"S": [["Sales report"], [], ["id", "amount"], [1, 0.1 + 0.2], [2, 0.1], [3, 17850.0]]})
    raw = R.read_table(data, name="w.xlsx")
    assert raw.header_row == 3 and raw.columns == ["id", "amount"]
    assert raw.data.column("c1").to_pylist() == ["0.3", "0.1", "17850"]
    assert np.asarray(raw.source_rows).tolist() == [4, 5, 6]


def test_empty_chosen_sheet_is_a_table_with_no_rows():
    raw = R.read_table(xlsx_workbook({"Data": [["a"], [1]], "Blank": []}), name="w.xlsx", sheet="Blank")
    assert raw.data.num_rows == 0 and raw.sheet == "Blank"


def test_parquet_columns_become_text_with_iso_times(tmp_path):
    import pyarrow.parquet as pq
    table = pa.table({"at": pa.array([dt.datetime(2024, 3, 31, 14, 5), dt.datetime(2024, 4, 1)], pa.timestamp("ms")),
                      "day": pa.array([dt.date(2024, 3, 31), None]), "n": pa.array([17850.0, 0.1]),
                      "ok": pa.array([True, False]), "Name": pa.array(["a", "b"]), "name": pa.array(["c", "d"])})
    path = tmp_path / "x.parquet"
    pq.write_table(table, path)
    raw = R.read_table(path)
    assert raw.format == "parquet" and raw.columns == ["at", "day", "n", "ok", "Name", "name"]
    assert raw.data.to_pylist()[0] == {"c0": "2024-03-31 14:05:00", "c1": "2024-03-31", "c2": "17850",
                                       "c3": "true", "c4": "a", "c5": "c"}
    assert raw.data.column("c0").to_pylist()[1] == "2024-04-01"
    assert np.asarray(raw.source_rows).tolist() == [2, 3]


def test_duplicate_names_never_clash_with_a_real_header():
    raw = R.read_table(b"Amount,Amount,Amount (2)\n1,2,3\n", name="x.csv")
    assert raw.columns == ["Amount", "Amount (3)", "Amount (2)"] or len(set(raw.columns)) == 3
    assert len(set(raw.columns)) == 3 and raw.columns[0] == "Amount" and raw.columns[2] == "Amount (2)"


@pytest.mark.parametrize("bad", ["", "9,x", "10,y,7,8"], ids=["blank line", "too few", "too many"])
def test_large_files_parsed_on_every_core_number_bad_rows_like_one_thread(bad):
    # a big file is parsed in parallel; one with a bad or blank row is parsed again in one thread to number it
    rows = [f"{i},note {i},{i % 97}" for i in range(60_000)]
    rows.insert(41_234, bad)
    data = ("id,note,amount\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > T.THREADED_PARSE_MIN_BYTES // 8
    original = T.THREADED_PARSE_MIN_BYTES
    try:
        T.THREADED_PARSE_MIN_BYTES = 1 << 10
        threaded = R.read_table(data, name="big.csv")
        T.THREADED_PARSE_MIN_BYTES = 1 << 40
        single = R.read_table(data, name="big.csv")
    finally:
        T.THREADED_PARSE_MIN_BYTES = original
    assert threaded.data.equals(single.data)
    assert np.asarray(threaded.source_rows).tolist() == np.asarray(single.source_rows).tolist()
    assert [(p.source_row, p.reason) for p in threaded.rejected] == [(p.source_row, p.reason) for p in single.rejected]
    assert threaded.notes == single.notes
    assert 41_236 not in np.asarray(threaded.source_rows).tolist()       # the bad row's spreadsheet row number
    assert threaded.data.num_rows == 60_000


def test_a_clean_large_file_parsed_on_every_core_keeps_its_order():
    rows = [f"{i},note {i},{i % 97}" for i in range(60_000)]
    data = ("id,note,amount\n" + "\n".join(rows) + "\n").encode()
    original = T.THREADED_PARSE_MIN_BYTES
    try:
        T.THREADED_PARSE_MIN_BYTES = 1 << 10
        raw = R.read_table(data, name="big.csv")
    finally:
        T.THREADED_PARSE_MIN_BYTES = original
    assert raw.data.column("c0").to_pylist() == [str(i) for i in range(60_000)]
    assert np.asarray(raw.source_rows).tolist() == list(range(2, 60_002))


# ----- one large XLSX sheet read on every core (insights/ingest/readers/xlsx_parallel.py) ---------------
def _awkward_workbook(write_only: bool) -> bytes:
    """Shared or inline strings, dates, numbers, booleans, empty cells, blank rows, data that starts below
    row 1 and right of column A, a second sheet, and (normal mode) formatted but empty rows at the end."""
    import datetime as dt
    import io

    import openpyxl
    from openpyxl.styles import Font
    wb = openpyxl.Workbook(write_only=write_only)
    cover = wb.create_sheet("Cover") if write_only else wb.active
    if not write_only:
        cover.title = "Cover"
    cover.append(["Monthly export"])
    sheet = wb.create_sheet("Orders")
    rows = [[None], [None, None, "Orders by line"]] + [[None, None, "order", "day", "qty", "price", "paid", "note"]]
    for i in range(1, 400):
        if i % 37 == 0:
            rows.append([])                                  # a blank row
            continue
        rows.append([None, None, f"A{i:05d}", dt.datetime(2024, 1, 1) + dt.timedelta(hours=7 * i),
                     i % 9 - 2, round(0.1 * i + 0.2, 2), i % 3 == 0,
                     None if i % 5 else f"note {i} <&> ünïcode"])
    rows.append([None, None, None, None, None, None, None, "last"])  # the widest, last row
    for row in rows:
        sheet.append(row)
    if not write_only:
        for r in range(len(rows) + 1, len(rows) + 60):           # formatted cells with no value below the data
            sheet.cell(row=r, column=4).font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("write_only", [False, True])
@pytest.mark.parametrize("parts", [2, 3, 5])
def test_a_sheet_read_in_parts_is_the_same_table_as_one_read(write_only, parts, monkeypatch, tmp_path):
    from insights.ingest.readers import xlsx_parallel as X
    data = _awkward_workbook(write_only)
    # the cut pieces, read as they are, are the sheet fastexcel reads (columns from A, the empty ones dropped)
    whole = read_file(data, name="w.xlsx", sheet="Orders")
    assert len(X.write_parts(data, "Orders", parts, tmp_path, min_bytes=0)) == parts
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"part{k}.xlsx" for k in range(parts)]
    monkeypatch.setattr(X, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(X, "default_parts", lambda: parts)
    used, load_sheet = [], X.load_sheet
    monkeypatch.setattr(X, "load_sheet", lambda *a, **k: used.append(load_sheet(*a, **k)) or used[-1])
    cut = read_file(data, name="w.xlsx", sheet="Orders")
    assert len(used) == 1 and used[0] is not None          # the parts were read, not the ordinary way
    assert cut.columns == whole.columns
    assert cut.data.to_pylist() == whole.data.to_pylist()
    assert cut.source_rows.to_pylist() == whole.source_rows.to_pylist()
    assert cut.notes == whole.notes and cut.header_row == whole.header_row
    assert whole.header_row == 3 and whole.data.num_rows == 400 - 400 // 37
    assert any("blank row" in n for n in whole.notes)


@pytest.mark.parametrize("chunk", [97, 4096])
def test_a_sheet_streamed_in_small_pieces_is_cut_the_same(chunk, monkeypatch):
    """The sheet's XML is unpacked a piece at a time (never whole): tags split across pieces change nothing."""
    from insights.ingest.readers import xlsx_parallel as X
    data = _awkward_workbook(False)
    whole = X.load_sheet(data, "Orders", parts=3, min_bytes=0)
    monkeypatch.setattr(X, "CHUNK_BYTES", chunk)
    streamed = X.load_sheet(data, "Orders", parts=3, min_bytes=0)
    assert streamed is not None and streamed.to_pylist() == whole.to_pylist()


def test_a_sheet_is_not_cut_without_disk_room_for_its_parts(monkeypatch, tmp_path):
    from insights.ingest.readers import xlsx_parallel as X
    monkeypatch.setattr(X.shutil, "disk_usage", lambda folder: type("U", (), {"free": 1000})())
    assert X.write_parts(_awkward_workbook(False), "Orders", 2, tmp_path, min_bytes=0) is None
    assert list(tmp_path.iterdir()) == []


def test_a_sheet_is_cut_only_between_rows_and_never_when_it_cannot_be(monkeypatch):
    from insights.ingest.readers import xlsx_parallel as X
    xml = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
           b'<row r="3"><c r="A3"><v>3</v></c></row></sheetData><rowBreaks count="0"/></worksheet>')
    start, end, cuts = X.cut_points(xml, 2)
    assert all(xml[c:c + 5] == b"<row " for c in cuts) and xml[start:end].startswith(b"<row")
    assert X.cut_points(xml.replace(b"sheetData", b"x:sheetData"), 2) is None   # a namespace prefix
    assert X.cut_points(xml.replace(b' r="3"', b"").replace(b' r="2"', b""), 2) is None
    # a small sheet is read the ordinary way
    assert X.load_sheet(_awkward_workbook(False), "Orders", parts=2) is None
    assert X.load_sheet(_awkward_workbook(False), "Orders", parts=1, min_bytes=0) is None
