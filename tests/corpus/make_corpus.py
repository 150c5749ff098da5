"""A corpus of bad and awkward spreadsheet files, written at test time (nothing binary is committed).

    from tests.corpus.make_corpus import make_corpus
    paths = make_corpus(tmp_path)          # {"utf8_bom.csv": Path(...), ...}

Every file is small and built from code so the reader's behaviour on it can be checked by
``tests/test_corpus.py`` (which holds the expected outcome of each). Running this module writes the
corpus into a folder, to look at the files by hand:

    .venv/bin/python -m tests.corpus.make_corpus /tmp/corpus
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import sys
import zipfile
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

ORDERS_HEADER = "Order ID,Order Date,Customer ID,Quantity,Unit Price"
ORDERS_ROWS = ["A1,2024-03-01,C1,2,9.99", "A2,2024-03-02,C2,1,19.50", "A3,2024-03-03,C1,3,4.25"]


def _csv(lines: list[str], *, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def _orders(delim: str = ",", encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return _csv([line.replace(",", delim) for line in [ORDERS_HEADER] + ORDERS_ROWS], newline=newline,
                encoding=encoding)


def xlsx_workbook(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with these sheets (title -> rows), as the bytes of an .xlsx file."""
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


def _xlsx_orders() -> list[list]:
    return [["Order ID", "Order Date", "Customer ID", "Quantity", "Unit Price"],
            ["A1", dt.date(2024, 3, 1), 17850, 2, 9.99],
            ["A2", dt.datetime(2024, 3, 2, 14, 5), 17851, 1, 19.5],
            ["A3", dt.date(2024, 3, 3), 17850, 3, 4.25]]


def _zip_bomb_like() -> bytes:
    """A valid-looking XLSX whose one member unpacks ~1000 times its packed size (refused unopened)."""
    real = xlsx_workbook({"Sheet1": _xlsx_orders()})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/media/padding.bin", b"\x00" * (30 * 1024 ** 2))
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        z.writestr("word/document.xml", "<w:document><w:body><w:p>Hello</w:p></w:body></w:document>")
    return out.getvalue()


def _parquet() -> bytes:
    table = pa.table({"order_id": ["A1", "A2"],
                      "ordered_at": pa.array([dt.datetime(2024, 3, 1, 10, 0), dt.datetime(2024, 3, 2)],
                                             pa.timestamp("us")),
                      "quantity": pa.array([2, 1], pa.int64()),
                      "price": pa.array([9.99, 19.5], pa.float64())})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _big_csv() -> bytes:
    return _csv([ORDERS_HEADER] + [f"A{i},2024-03-01,C{i % 50},1,9.99" for i in range(3000)])


# name -> bytes. Expected outcomes live in tests/test_corpus.py.
BUILDERS: dict[str, Callable[[], bytes]] = {
    # encodings
    "utf8.csv": lambda: _orders(),
    "utf8_bom.csv": lambda: b"\xef\xbb\xbf" + _orders(),
    "utf16le_bom.csv": lambda: b"\xff\xfe" + "\n".join([ORDERS_HEADER] + ORDERS_ROWS).encode("utf-16-le"),
    "utf16be_bom.tsv": lambda: b"\xfe\xff" + "\n".join(
        [ln.replace(",", "\t") for ln in [ORDERS_HEADER] + ORDERS_ROWS]).encode("utf-16-be"),
    "cp1252_accents.csv": lambda: _csv(["Kunde;Stadt;Betrag", "Müller;Köln;12,50", "Café Noël;Zürich;7,00",
                                        "Smith;London;£3"], encoding="cp1252"),
    "latin1_accents.csv": lambda: _csv(["name,city", "José,São Paulo", "Renée,Besançon"], encoding="latin-1"),
    "utf8_accents.csv": lambda: _csv(["name,city", "Zoë,Kraków", "Ærø,Ålborg"]),
    # delimiters and line endings
    "semicolon.csv": lambda: _orders(";"),
    "tab.tsv": lambda: _orders("\t"),
    "pipe.txt": lambda: _orders("|"),
    "crlf.csv": lambda: _orders(newline="\r\n"),
    "whitespace_cdnow.txt": lambda: b"00001 19970101 1 11.77\n00001 19970118 2 17.97\n00002 19970112   2  12.00\n",
    "single_column.csv": lambda: _csv(["email", "a@x.com", "b@x.com"]),
    # values
    "decimal_comma.csv": lambda: _csv(["Bestellung;Datum;Menge;Preis", "1;31.03.2024;2;1.234,56",
                                       "2;01.04.2024;1;12,50"]),
    "ambiguous_dates.csv": lambda: _csv(["order,date,amount", "1,01/02/2024,5", "2,03/04/2024,6",
                                         "3,05/06/2024,7"]),
    "mdy_dates.csv": lambda: _csv(["order,date,amount", "1,03/31/2024,5", "2,04/01/2024,6"]),
    "excel_serial_dates.csv": lambda: _csv(["order,date,amount", "1,45382,5", "2,45383,6"]),
    "mixed_currencies.csv": lambda: _csv(['order,amount', '1,€12.50', '2,"$1,200.00"', '3,GBP 12', '4,(3.00)']),
    "formula_cells.csv": lambda: _csv(["name,note", "Ann,=1+2", 'Bob,"=HYPERLINK(""http://x"")"', "Cy,@SUM(A1)"]),
    "leading_zero_ids.csv": lambda: _csv(["customer,zip", "00017,01234", "00018,09000"]),
    # structure
    "empty.csv": lambda: b"",
    "blank_lines_only.csv": lambda: b"\n\n  \n\r\n",
    "header_only.csv": lambda: _csv([ORDERS_HEADER]),
    "duplicate_headers.csv": lambda: _csv(["Amount,Amount,,Name,Amount", "1,2,3,x,4"]),
    "ragged_rows.csv": lambda: _csv([ORDERS_HEADER, ORDERS_ROWS[0], "A2,2024-03-02,C2,1,19.50,extra",
                                     "A3,2024-03-03", ORDERS_ROWS[2]]),
    "trailing_empty_fields.csv": lambda: _csv([ORDERS_HEADER, ORDERS_ROWS[0] + ",,", ORDERS_ROWS[1]]),
    "title_above_header.csv": lambda: _csv(["Sales export 2024", "Generated by ShopTool", ""] + [ORDERS_HEADER]
                                           + ORDERS_ROWS),
    "blank_lines_between.csv": lambda: _csv([ORDERS_HEADER, ORDERS_ROWS[0], "", ORDERS_ROWS[1], "", "",
                                             ORDERS_ROWS[2]]),
    "quoted_newlines.csv": lambda: _csv(['id,note,amount', '1,"line one\nline two",5', '2,"a, b",6',
                                         '3,"say ""hi""",7']),
    "no_header_numbers.csv": lambda: _csv(["1,2024-01-01,5.00", "2,2024-01-02,6.00"]),
    "no_trailing_newline.csv": lambda: ("\n".join([ORDERS_HEADER] + ORDERS_ROWS)).encode(),
    "gzipped.csv.gz": lambda: gzip.compress(_orders()),
    # workbooks
    "orders.xlsx": lambda: xlsx_workbook({"Orders": _xlsx_orders()}),
    "multi_sheet.xlsx": lambda: xlsx_workbook({"Notes": [], "Orders": _xlsx_orders(),
                                       "Customers": [["id", "name"], [1, "Ann"]]}),
    "title_above_header.xlsx": lambda: xlsx_workbook({"Report": [["Monthly sales report"], [None]] + _xlsx_orders()}),
    "blank_rows.xlsx": lambda: xlsx_workbook({"S": [_xlsx_orders()[0], _xlsx_orders()[1], [None] * 5,
                                            _xlsx_orders()[2]]}),
    "duplicate_headers.xlsx": lambda: xlsx_workbook({"S": [["Amount", "Amount", None, "Name"], [1, 2, 3, "x"]]}),
    "header_only.xlsx": lambda: xlsx_workbook({"S": [_xlsx_orders()[0]]}),
    "all_sheets_empty.xlsx": lambda: xlsx_workbook({"A": [], "B": []}),
    "zip_bomb_like.xlsx": _zip_bomb_like,
    "docx_renamed.xlsx": _docx,
    "garbage_named.csv": lambda: bytes(range(256)) * 40,
    "garbage_named.xlsx": lambda: bytes((i * 37 + 11) % 256 for i in range(5000)),
    "text_named.xlsx": lambda: _orders(),   # a CSV saved with the wrong extension: read by its content
    "truncated.xlsx": lambda: xlsx_workbook({"S": _xlsx_orders()})[:300],
    "orders.parquet": _parquet,
    "too_large.csv": _big_csv,   # read with a small max_bytes in the test
    # --- more awkward text ------------------------------------------------------------------------------------
    "utf16le_no_bom.csv": lambda: "\n".join([ORDERS_HEADER] + ORDERS_ROWS).encode("utf-16-le"),
    "latin1_not_cp1252.csv": lambda: b"id,name\n1,Gr\xfc\xdfe\n2,ctrl\x81byte\n",   # 0x81: no Windows-1252 char
    "old_mac_cr.csv": lambda: _orders(newline="\r"),
    "unclosed_quote.csv": lambda: _csv(["id,note,amount", "1,ok,3.00", '2,"never closed,4.00', "3,lost,5.00"]),
    "inch_marks.csv": lambda: _csv(["sku,description,price", 'TV1,55" screen,499.00', 'TV2,65" screen,799.00']),
    "trailing_delimiter_everywhere.csv": lambda: _csv([line + "," for line in [ORDERS_HEADER] + ORDERS_ROWS]),
    "banner_semicolon_decimal_comma.csv": lambda: _csv(["Umsatzbericht;;", ";;", "Kunde;Datum;Betrag",
                                                        "K1;31.03.2024;1.234,56", "K2;01.04.2024;7,50"],
                                                       encoding="cp1252"),
    "nbsp_thousands.csv": lambda: _csv(["id;amount", "1;1\u00a0234,56", "2;12\u202f345,00", "3;7,5"]),
    "pdf_named.csv": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "web_page_named.xls": lambda: b"<html><body><table><tr><td>id</td></tr><tr><td>1</td></tr></table></body></html>",
    "fake_old_format.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000,
    "zip_without_sheet.xlsx": lambda: _zip({"orders.csv": _orders()}),
    "float_noise.xlsx": lambda: xlsx_workbook({"S": [["id", "amount"], [1, 0.1 + 0.2], [2, 17850.0], [3, 1e-7]]}),
    "formula_cells.xlsx": lambda: xlsx_workbook({"S": [["id", "link"], [1, '=HYPERLINK("http://x.example","x")'],
                                               [2, "plain"]]}),
    "damaged.parquet": lambda: b"PAR1" + b"\x00" * 64,
}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return buf.getvalue()


# ----- dates as real files write them (issue 19): one orders file per format, each dated 31 July 2018 on its
# first line; a GA4 events export; a header + lines pair whose lines carry the seller's shipping deadline ---------
DATE_HEADER = "Order ID,Order Date,Customer ID,Quantity,Unit Price"


def _dated_orders(dates: list[str]) -> bytes:
    """An orders file whose order dates are written as ``dates`` (one line each; quoted when they hold a comma)."""
    lines = [DATE_HEADER]
    for i, when in enumerate(dates):
        cell = f'"{when}"' if "," in when else when
        lines.append(f"D{i + 1},{cell},C{i % 3 + 1},{i % 4 + 1},{9.99 + i:.2f}")
    return _csv(lines)


def _ga4_events() -> bytes:
    """GA4's BigQuery export flattened to CSV: ``event_date`` as yyyymmdd, ``event_timestamp`` in microseconds."""
    lines = ["event_date,event_timestamp,event_name,user_pseudo_id,ga_session_id"]
    stamps = [1533031200000000, 1533031260123456, 1533117600000000, 1533117900500000]
    for i, stamp in enumerate(stamps):
        day = "20180731" if stamp < 1533081600000000 else "20180801"
        lines.append(f"{day},{stamp},{('page_view', 'add_to_cart', 'page_view', 'purchase')[i]},"
                     f"{1000 + i % 2}.1533031200,{1533031200 + i % 2}")
    return _csv(lines)


def _olist_like_orders() -> bytes:
    """An orders table (no products, no prices) whose purchase date is the order's date."""
    return _csv(["order_id,customer_id,order_status,order_purchase_timestamp,order_estimated_delivery_date",
                 "o1,c1,delivered,2018-07-31 10:15:00,2018-08-14 00:00:00",
                 "o2,c2,delivered,2018-08-01 09:00:00,2018-08-20 00:00:00",
                 "o3,c1,delivered,2018-08-02 18:30:00,2018-08-22 00:00:00"])


def _olist_like_items() -> bytes:
    """Order lines whose only date is the seller's shipping deadline, about a week after the purchase."""
    return _csv(["order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value",
                 "o1,1,p1,s1,2018-08-06 10:15:00,59.90,8.72",
                 "o1,2,p2,s1,2018-08-06 10:15:00,19.90,8.72",
                 "o2,1,p3,s2,2018-08-07 09:00:00,120.00,15.10",
                 "o3,1,p1,s1,2018-08-08 18:30:00,59.90,9.50"])


DATE_BUILDERS: dict[str, Callable[[], bytes]] = {
    "dates_dd_mon_yy.csv": lambda: _dated_orders(["31-Jul-18", "1-Aug-18", "15-Aug-18"]),
    "dates_dd_mon_yyyy.csv": lambda: _dated_orders(["31-Jul-2018", "01-Aug-2018", "15-Aug-2018"]),
    "dates_mon_dd_yyyy.csv": lambda: _dated_orders(["Jul 31, 2018", "Aug 1, 2018", "Aug 15, 2018"]),
    "dates_dotted.csv": lambda: _dated_orders(["31.07.2018", "01.08.2018", "15.08.2018"]),
    "dates_iso_z.csv": lambda: _dated_orders(["2018-07-31T10:00:00.000Z", "2018-08-01T11:30:00.000Z",
                                              "2018-08-15T09:05:00.000Z"]),
    "dates_unix_seconds.csv": lambda: _dated_orders(["1533031200", "1533123000", "1534323900"]),
    "dates_unix_milliseconds.csv": lambda: _dated_orders(["1533031200000", "1533123000000", "1534323900000"]),
    "dates_unix_microseconds.csv": lambda: _dated_orders(["1533031200000000", "1533123000000000",
                                                          "1534323900000000"]),
    "dates_yyyymmdd.csv": lambda: _dated_orders(["20180731", "20180801", "20180815"]),
    "dates_excel_serials_in_text.csv": lambda: _dated_orders(["31/07/2018", "43313", "15/08/2018", "43328"]),
    "dates_one_unreadable.csv": lambda: _dated_orders(["31-Jul-18", "1-Aug-18", "sometime in August", "15-Aug-18",
                                                       "16-Aug-18", "17-Aug-18"]),
    "dates_ga4_events.csv": _ga4_events,
    "dates_pair_orders.csv": _olist_like_orders,
    "dates_pair_items.csv": _olist_like_items,
}
BUILDERS.update(DATE_BUILDERS)


def write_files(builders: dict, folder) -> dict[str, Path]:
    """Write each ``name: build()`` of ``builders`` into ``folder``; returns name → path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, build in builders.items():
        path = folder / name
        path.write_bytes(build())
        paths[name] = path
    return paths


def make_corpus(folder) -> dict[str, Path]:
    """Write every corpus file into ``folder``; returns name → path."""
    return write_files(BUILDERS, folder)


if __name__ == "__main__":  # pragma: no cover - a helper for looking at the files by hand
    written = make_corpus(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    sys.stdout.write(f"{len(written)} files written\n")
