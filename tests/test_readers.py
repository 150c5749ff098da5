"""Reading files into all-text tables (insights/ingest/readers.py) and the errors a shop owner sees."""

from __future__ import annotations

import datetime as dt
import gzip
import io

import numpy as np
import pyarrow as pa
import pytest

from insights.ingest import errors as E
from insights.ingest.readers import DEFAULT_MAX_BYTES, list_sheets, read_file


def _xlsx(sheets: dict) -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
    assert DEFAULT_MAX_BYTES == 500 * 1024 ** 2


def test_empty_bytes_are_an_empty_file():
    with pytest.raises(E.EmptyFile):
        read_file(b"", name="x.csv")


# ----- workbooks --------------------------------------------------------------------------------------------
def test_xlsx_cells_as_text_dates_iso_whole_numbers_plain():
    data = _xlsx({"S": [["id", "day", "at", "qty", "price"],
                        [17850, dt.date(2024, 3, 31), dt.datetime(2024, 3, 31, 14, 5), 3.0, 2.55]]})
    raw = read_file(data, name="o.xlsx")
    assert raw.data.to_pylist() == [{"c0": "17850", "c1": "2024-03-31", "c2": "2024-03-31 14:05:00", "c3": "3",
                                     "c4": "2.55"}]
    assert raw.format == "xlsx"


def test_every_sheet_listed_first_non_empty_read_and_a_sheet_can_be_chosen():
    data = _xlsx({"Cover": [], "Orders": [["a"], [1]], "Customers": [["name"], ["Ann"], ["Bob"]]})
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
