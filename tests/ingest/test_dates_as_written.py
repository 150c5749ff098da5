"""Dates read as real files write them: text cells inside an Excel date column, the formats vendors' exports use
(``31-Jul-18``, Unix microseconds, ``20180731`` …), id columns that only look like Excel serials, and the
format each date column was read in, in the file's report.

Workbooks are written here with openpyxl as a shop's spreadsheet holds them: real Excel datetimes, with a few
cells typed as text by hand.
"""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from insights.core.workspace import Workspace
from insights.ingest import ingest_files, prepare_file
from insights.ingest.values import detect_date_format, numbered_ids, parse_dates
from tests.corpus.make_corpus import xlsx_workbook

VENDOR = Path(__file__).parent / "vendor_exports"


def _orders_sheet(text_dates: dict[int, str], extra: dict[str, list] | None = None) -> list[list]:
    """An Online-Retail-like sheet of 60 lines: InvoiceDate an Excel datetime except the rows in ``text_dates``
    (index -> text as typed); ``extra``: more columns (header -> 60 values)."""
    extra = extra or {}
    header = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
              "Country", *extra]
    rows = [header]
    for i in range(60):
        when = text_dates.get(i, dt.datetime(2024, 3, 1 + i % 28, 8 + i % 10, 15))
        rows.append([f"5{i // 2:05d}", f"SKU{i}", f"Mug {i}", 2, when, 3.5, 17850 + i % 7, "United Kingdom",
                     *(col[i] for col in extra.values())])
    return rows


def _ingest_workbook(tmp_path, name: str, rows: list[list], sheet: str = "Sheet1"):
    path = tmp_path / name
    path.write_bytes(xlsx_workbook({sheet: rows}))
    ws = Workspace.in_memory()
    return ws, ingest_files(ws, [path]).files[0]


def test_text_dates_in_an_excel_date_column_are_read_day_first(tmp_path):
    texts = {3: "01/01/2024 11:33", 17: "15/01/2024 09:05", 41: "03/02/2024 16:40"}
    ws, f = _ingest_workbook(tmp_path, "retail.xlsx", _orders_sheet(texts))
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (60, 60, 0)
    got = ws.con.execute("select source_row, ordered_at from order_lines where source_row in (5, 19, 43) "
                         "order by source_row").fetchall()
    assert got == [(5, dt.datetime(2024, 1, 1, 11, 33)), (19, dt.datetime(2024, 1, 15, 9, 5)),
                   (43, dt.datetime(2024, 2, 3, 16, 40))]
    # the real Excel datetimes are untouched
    assert ws.con.execute("select ordered_at from order_lines where source_row = 2").fetchone()[0] == \
        dt.datetime(2024, 3, 1, 8, 15)
    assert f.date_order == "ymd"
    ws.close()


def test_ambiguous_text_dates_become_a_question_read_day_first_until_answered(tmp_path):
    texts = {3: "01/02/2024 11:33", 41: "03/02/2024 16:40"}
    path = tmp_path / "retail.xlsx"
    path.write_bytes(xlsx_workbook({"Sheet1": _orders_sheet(texts)}))
    plan = prepare_file(path)
    assert any("InvoiceDate" in q and "day-first" in q for q in plan.questions)
    values = parse_dates(plan.raw.data.column(4), plan.date_formats["ordered_at"]).values.to_pylist()
    assert values[3] == dt.datetime(2024, 2, 1, 11, 33)
    plan.set_date_order("mdy")
    values = parse_dates(plan.raw.data.column(4), plan.date_formats["ordered_at"]).values.to_pylist()
    assert values[3] == dt.datetime(2024, 1, 2, 11, 33)
    assert values[0] == dt.datetime(2024, 3, 1, 8, 15)        # the Excel dates keep their own order


def test_another_date_column_settles_the_order_of_ambiguous_text_dates(tmp_path):
    texts = {3: "01/02/2024 11:33", 41: "03/02/2024 16:40"}
    delivered = [f"{(i % 28) + 1:02d}/03/2024" for i in range(60)]     # 13/03 … 28/03: day first
    path = tmp_path / "retail.xlsx"
    path.write_bytes(xlsx_workbook({"Sheet1": _orders_sheet(texts, {"Delivery Date": delivered})}))
    plan = prepare_file(path)
    assert plan.mapping["delivered_at"] == 8
    assert plan.questions == []
    ws = Workspace.in_memory()
    f = ingest_files(ws, [path]).files[0]
    assert (f.rows_loaded, f.rows_rejected) == (60, 0)
    assert ws.con.execute("select ordered_at from order_lines where source_row = 5").fetchone()[0] == \
        dt.datetime(2024, 2, 1, 11, 33)
    ws.close()


def test_text_signup_dates_in_a_crm_workbook(tmp_path):
    rows = [["Customer ID", "Email", "Signup Date"]]
    for i in range(40):
        rows.append([f"C{i:03d}", f"c{i}@shop.example", dt.datetime(2023, 5, 1 + i % 28)])
    rows[6][2] = "23/03/2024"
    rows[21][2] = "05/04/2024"
    ws, f = _ingest_workbook(tmp_path, "crm.xlsx", rows)
    assert (f.rows_read, f.rows_loaded) == (40, 40)
    got = dict(ws.con.execute("select source_row, signed_up_at from customer_records "
                              "where source_row in (7, 22)").fetchall())
    assert got == {7: dt.datetime(2024, 3, 23), 22: dt.datetime(2024, 4, 5)}
    assert not any("could not be read" in n for n in f.notes)
    ws.close()


@pytest.mark.parametrize("values, label, first", [
    (["31-Jul-18", "1-Aug-18", "15-Jan-19"], "dd-Mon-yy", dt.datetime(2018, 7, 31)),
    (["31-Jul-2018", "01-Aug-2018"], "dd-Mon-yyyy", dt.datetime(2018, 7, 31)),
    (["Jul 31, 2018", "Aug 1, 2018"], "Mon dd, yyyy", dt.datetime(2018, 7, 31)),
    (["31.07.2018", "01.08.2018"], "dd.mm.yyyy", dt.datetime(2018, 7, 31)),
    (["2018-07-31T10:00:00.000Z", "2018-08-01T11:00:00.123Z"], "yyyy-mm-ddThh:mm:ss.fff",
     dt.datetime(2018, 7, 31, 10)),
    (["1533031200", "1533117600"], "Unix seconds", dt.datetime(2018, 7, 31, 10)),
    (["1533031200000", "1533117600000"], "Unix milliseconds", dt.datetime(2018, 7, 31, 10)),
    (["1533031200000000", "1533117600123456"], "Unix microseconds", dt.datetime(2018, 7, 31, 10)),
    (["20180731", "20180801"], "yyyymmdd", dt.datetime(2018, 7, 31)),
    (["43312", "43313.5"], "Excel date numbers", dt.datetime(2018, 7, 31)),
    (["31/07/2018", "43313", "15/08/2018"], "dd/mm/yyyy or Excel date numbers", dt.datetime(2018, 7, 31)),
    (["31-Jul-18", "1-Aug-18", "43328"], "dd-Mon-yy or Excel date numbers", dt.datetime(2018, 7, 31)),
])
def test_formats_real_files_write(values, label, first):
    fmt = detect_date_format(values)
    assert fmt.label == label
    res = parse_dates(values, fmt)
    assert res.error_count == 0
    assert res.values.to_pylist()[0] == first


def test_unix_microseconds_keep_their_fraction():
    res = parse_dates(["1533117600123456"], None)
    assert res.values.to_pylist() == [dt.datetime(2018, 8, 1, 10, 0, 0, 123456)]


def test_an_id_column_is_not_read_as_excel_dates():
    fmt = detect_date_format(["48000", "48001", "48002"])
    assert fmt.order == "excel-serial"                       # the numbers alone could be dates …
    assert numbered_ids("idVisit", fmt) and numbered_ids("Visit ID", fmt) and numbered_ids("visit_id", fmt)
    assert not numbered_ids("Date", fmt) and not numbered_ids("Paid", fmt)
    plan = prepare_file(VENDOR / "matomo_visits_log.csv")   # … but Matomo's idVisit is a visit number
    dated = {field for field, header in plan.mapping_by_header().items() if header == "idVisit"}
    assert not dated & {"ordered_at", "signed_up_at", "cancelled_at", "event_at", "submitted_at"}


def test_a_value_that_fits_no_format_is_reported_with_its_row_and_text(tmp_path):
    lines = ["Customer ID,Email,Signup Date"] + [f"C{i},c{i}@shop.example,{1 + i % 28}-Jul-18" for i in range(30)]
    lines[12] = "C11,c11@shop.example,sometime in July"
    path = tmp_path / "crm.csv"
    path.write_text("\n".join(lines) + "\n")
    ws = Workspace.in_memory()
    f = ingest_files(ws, [path]).files[0]
    assert f.rows_loaded == 30
    assert f.date_formats == {"Signup Date": "dd-Mon-yy"}
    note = next(n for n in f.notes if "Signup Date" in n)
    assert "row 13" in note and "sometime in July" in note and "dd-Mon-yy" in note
    assert ws.con.execute("select count(signed_up_at) from customer_records").fetchone()[0] == 29
    ws.close()


def test_ga4_events_load_with_their_microsecond_times():
    path = VENDOR / "ga4_bigquery_events_flat.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    ws = Workspace.in_memory()
    f = ingest_files(ws, [path]).files[0]
    assert f.kind == "events"
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (len(raw), len(raw), 0)
    assert f.date_formats["event_timestamp"] == "Unix microseconds"
    got = ws.con.execute("select source_row, event_at from events order by source_row").fetchall()
    expected = [pd.Timestamp(int(v), unit="us").to_pydatetime() for v in raw["event_timestamp"]]
    assert [t for _, t in got] == expected
    assert got[0][1] == dt.datetime(2024, 3, 2, 9, 1, 8, 687238)
    ws.close()


def test_alexa_reviews_keep_every_date(shared_data):
    path = shared_data / "amazon_alexa_reviews" / "amazon_alexa.tsv"
    ws = Workspace.in_memory()
    f = ingest_files(ws, [path]).files[0]
    assert f.rows_read == 3150
    assert f.date_formats == {"date": "dd-Mon-yy"}
    assert f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside
    empty, first, last = ws.con.execute(
        "select count(*) filter (where submitted_at is null), min(submitted_at), max(submitted_at) "
        "from feedback").fetchone()
    assert empty == 0
    assert (first, last) == (dt.datetime(2018, 5, 16), dt.datetime(2018, 7, 31))
    ws.close()


def test_excel_numbers_among_text_dates_are_read_as_excel_dates_and_nothing_else_is():
    values = ["31/07/2018", "43313", "15/08/2018", "16/08/2018", "17/08/2018", "12345", "4331"]
    res = parse_dates(values, detect_date_format(values))
    assert res.values.to_pylist()[:3] == [dt.datetime(2018, 7, 31), dt.datetime(2018, 8, 1), dt.datetime(2018, 8, 15)]
    assert res.values.to_pylist()[5:] == [None, None]       # 1933 and a 4-digit number: no date in an order file
    assert res.error_count == 2
