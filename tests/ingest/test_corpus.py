"""Every awkward file in the corpus (tests/corpus/make_corpus.py) gives the expected table or a plain IngestError.

Each case says what a shop owner should get: the headers and row count (and a detail or two that is easy to
get wrong), or the kind of error and a fragment of its message. Never anything but an IngestError.
"""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from insights.ingest import errors as E
from insights.ingest.readers import read_file
from insights.core.workspace import Workspace
from insights.ingest import ingest_files
from tests.corpus.make_corpus import BUILDERS, ORDERS_HEADER, make_corpus
from tests.corpus.make_corpus import DATE_BUILDERS, DATE_HEADER

ORDERS = ORDERS_HEADER.split(",")


def _rows(raw):
    return raw.data.to_pylist()


def _col(raw, header):
    return raw.data.column(raw.columns.index(header)).to_pylist()


def _numbers(raw):
    return [int(n) for n in raw.source_rows]


# name -> (headers or None, rows, check(raw) or None)   |   (error class, message fragment)
EXPECTED = {
    "utf8.csv": (ORDERS, 3, lambda r: r.encoding in ("utf-8", "utf8") and r.delimiter == ","),
    "utf8_bom.csv": (ORDERS, 3, lambda r: r.columns[0] == "Order ID" and any("BOM" in n or "byte-order" in n
                                                                             for n in r.notes)),
    "utf16le_bom.csv": (ORDERS, 3, lambda r: "16" in r.encoding and any("UTF-16" in n for n in r.notes)),
    "utf16be_bom.tsv": (ORDERS, 3, lambda r: "16" in r.encoding and r.delimiter == "\t"),
    "cp1252_accents.csv": (["Kunde", "Stadt", "Betrag"], 3,
                           lambda r: _col(r, "Kunde")[:2] == ["Müller", "Café Noël"] and _col(r, "Betrag")[2] == "£3"
                           and any("1252" in n or "Western" in n for n in r.notes)),
    "latin1_accents.csv": (["name", "city"], 2, lambda r: _col(r, "city") == ["São Paulo", "Besançon"]),
    "utf8_accents.csv": (["name", "city"], 2, lambda r: _col(r, "city") == ["Kraków", "Ålborg"] and not any(
        "encoding" in n.lower() for n in r.notes)),
    "semicolon.csv": (ORDERS, 3, lambda r: r.delimiter == ";"),
    "tab.tsv": (ORDERS, 3, lambda r: r.delimiter == "\t"),
    "pipe.txt": (ORDERS, 3, lambda r: r.delimiter == "|"),
    "crlf.csv": (ORDERS, 3, lambda r: _col(r, "Unit Price") == ["9.99", "19.50", "4.25"]),
    "whitespace_cdnow.txt": (["Column 1", "Column 2", "Column 3", "Column 4"], 3,
                             lambda r: not r.has_header and r.format == "text-whitespace"
                             and _col(r, "Column 1") == ["00001", "00001", "00002"] and _numbers(r) == [1, 2, 3]),
    "single_column.csv": (["email"], 2, None),
    "decimal_comma.csv": (["Bestellung", "Datum", "Menge", "Preis"], 2,
                          lambda r: r.delimiter == ";" and _col(r, "Preis") == ["1.234,56", "12,50"]),
    "ambiguous_dates.csv": (["order", "date", "amount"], 3, None),
    "mdy_dates.csv": (["order", "date", "amount"], 2, None),
    "excel_serial_dates.csv": (["order", "date", "amount"], 2, None),
    "mixed_currencies.csv": (["order", "amount"], 4, lambda r: _col(r, "amount")[1] == "$1,200.00"),
    "formula_cells.csv": (["name", "note"], 3,
                          lambda r: _col(r, "note") == ["=1+2", '=HYPERLINK("http://x")', "@SUM(A1)"]),
    "leading_zero_ids.csv": (["customer", "zip"], 2, lambda r: _col(r, "zip") == ["01234", "09000"]),
    "empty.csv": (E.EmptyFile, "empty.csv"),
    "blank_lines_only.csv": (E.EmptyFile, "blank_lines_only.csv"),
    "header_only.csv": (ORDERS, 0, lambda r: r.notes and not r.rejected),
    "duplicate_headers.csv": (["Amount", "Amount (2)", "Column 3", "Name", "Amount (3)"], 1, None),
    "ragged_rows.csv": (ORDERS, 2, lambda r: _numbers(r) == [2, 5]
                        and [p.source_row for p in r.rejected] == [3, 4]
                        and "6 fields" in str(r.rejected[0].reason) and "expected 5" in str(r.rejected[0].reason)
                        and "2 fields" in str(r.rejected[1].reason)),
    "trailing_empty_fields.csv": (ORDERS, 2, lambda r: not r.rejected and _numbers(r) == [2, 3]),
    "title_above_header.csv": (ORDERS, 3, lambda r: r.header_row == 4 and _numbers(r) == [5, 6, 7]),
    "blank_lines_between.csv": (ORDERS, 3, lambda r: _numbers(r) == [2, 4, 7] and not r.rejected
                                and any("3" in n and "blank" in n.lower() for n in r.notes)),
    "quoted_newlines.csv": (["id", "note", "amount"], 3,
                            lambda r: _col(r, "note") == ["line one\nline two", "a, b", 'say "hi"']
                            and _numbers(r) == [2, 3, 4]),
    "no_header_numbers.csv": (["Column 1", "Column 2", "Column 3"], 2,
                              lambda r: not r.has_header and _numbers(r) == [1, 2]),
    "no_trailing_newline.csv": (ORDERS, 3, None),
    "gzipped.csv.gz": (ORDERS, 3, None),
    "orders.xlsx": (ORDERS, 3, lambda r: r.format == "xlsx" and r.sheet == "Orders"
                    and _col(r, "Order Date") == ["2024-03-01", "2024-03-02 14:05:00", "2024-03-03"]
                    and _col(r, "Customer ID") == ["17850", "17851", "17850"]
                    and _col(r, "Quantity") == ["2", "1", "3"] and _col(r, "Unit Price")[1] == "19.5"
                    and _numbers(r) == [2, 3, 4]),
    "multi_sheet.xlsx": (ORDERS, 3, lambda r: r.sheets == ["Notes", "Orders", "Customers"] and r.sheet == "Orders"),
    "title_above_header.xlsx": (ORDERS, 3, lambda r: r.header_row == 3 and _numbers(r) == [4, 5, 6]),
    "blank_rows.xlsx": (ORDERS, 2, lambda r: _numbers(r) == [2, 4]),
    "duplicate_headers.xlsx": (["Amount", "Amount (2)", "Column 3", "Name"], 1, None),
    "header_only.xlsx": (ORDERS, 0, None),
    "all_sheets_empty.xlsx": (E.EmptyFile, "all_sheets_empty.xlsx"),
    "zip_bomb_like.xlsx": (E.UnsupportedFile, "MB"),
    "docx_renamed.xlsx": (E.UnsupportedFile, "Word"),
    "garbage_named.csv": (E.UnsupportedFile, "garbage_named.csv"),
    "garbage_named.xlsx": (E.UnsupportedFile, "garbage_named.xlsx"),
    "text_named.xlsx": (ORDERS, 3, lambda r: r.format == "csv"),
    "truncated.xlsx": (E.UnsupportedFile, "truncated.xlsx"),
    "orders.parquet": (["order_id", "ordered_at", "quantity", "price"], 2,
                       lambda r: r.format == "parquet" and _col(r, "ordered_at")[0].startswith("2024-03-01 10:00")
                       and _col(r, "quantity") == ["2", "1"] and _col(r, "price") == ["9.99", "19.5"]),
    "too_large.csv": (ORDERS, 3000, None),
    "utf16le_no_bom.csv": (ORDERS, 3, lambda r: r.encoding == "utf-16-le"),
    "latin1_not_cp1252.csv": (["id", "name"], 2, lambda r: r.encoding == "latin-1"
                              and _col(r, "name") == ["Grüße", "ctrl\x81byte"]),
    "old_mac_cr.csv": (ORDERS, 3, lambda r: _numbers(r) == [2, 3, 4]),
    "unclosed_quote.csv": (E.UnsupportedFile, "row 3"),
    "inch_marks.csv": (["sku", "description", "price"], 2, lambda r: _col(r, "description")[0] == '55" screen'),
    "trailing_delimiter_everywhere.csv": (ORDERS, 3, lambda r: not r.rejected),
    "banner_semicolon_decimal_comma.csv": (["Kunde", "Datum", "Betrag"], 2,
                                           lambda r: r.header_row == 3 and r.delimiter == ";"
                                           and _numbers(r) == [4, 5]),
    "nbsp_thousands.csv": (["id", "amount"], 3, lambda r: _col(r, "amount")[0] == "1\u00a0234,56"),
    "pdf_named.csv": (E.UnsupportedFile, "PDF"),
    "web_page_named.xls": (E.UnsupportedFile, "HTML"),
    "fake_old_format.xls": (E.UnsupportedFile, "fake_old_format.xls"),
    "zip_without_sheet.xlsx": (E.UnsupportedFile, "Unzip"),
    "float_noise.xlsx": (["id", "amount"], 3, lambda r: _col(r, "amount")[:2] == ["0.3", "17850"]
                         and float(_col(r, "amount")[2]) == 1e-7),
    "formula_cells.xlsx": (["id", "link"], 2, lambda r: _col(r, "link")[1] == "plain"),
    "damaged.parquet": (E.UnsupportedFile, "Parquet"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


def test_corpus_is_big_enough_and_every_file_has_an_expectation():
    assert len(BUILDERS) >= 40
    assert set(EXPECTED) == set(BUILDERS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(corpus, name):
    expected = EXPECTED[name]
    if isinstance(expected[0], type):
        error, fragment = expected
        with pytest.raises(error) as info:
            read_file(corpus[name])
        assert fragment in str(info.value)
        assert "Traceback" not in str(info.value)
        return
    headers, rows, check = expected
    raw = read_file(corpus[name])
    assert raw.columns == headers
    assert raw.data.num_rows == rows
    assert raw.data.column_names == [f"c{i}" for i in range(len(headers))]
    assert all(t == "string" for t in map(str, raw.data.schema.types))
    assert len(raw.source_rows) == rows
    if check is not None:
        assert check(raw), (raw.notes, raw.rejected, raw.data.slice(0, 5).to_pylist())


def test_corpus_bytes_read_like_paths(corpus):
    for name in ("utf8.csv", "orders.xlsx", "gzipped.csv.gz", "orders.parquet"):
        from_path = read_file(corpus[name])
        from_bytes = read_file(corpus[name].read_bytes(), name=name)
        assert from_bytes.columns == from_path.columns and from_bytes.data.equals(from_path.data)


def test_over_the_size_limit_says_both_sizes(corpus):
    with pytest.raises(E.FileTooLarge) as info:
        read_file(corpus["too_large.csv"], max_bytes=10_000)
    assert "too_large.csv" in str(info.value) and "MB" in str(info.value)
    with pytest.raises(E.FileTooLarge):
        read_file(corpus["too_large.csv"].read_bytes(), name="too_large.csv", max_bytes=10_000)


def test_gzip_that_unpacks_over_the_limit_is_too_large(corpus):
    with pytest.raises(E.FileTooLarge):
        read_file(gzip.compress(b"a,b\n" + b"1,2\n" * 20_000), name="big.csv.gz", max_bytes=50_000)


def test_every_corpus_file_reads_or_raises_an_ingest_error_under_a_small_limit(corpus):
    outcomes = {}
    for name in EXPECTED:
        try:
            read_file(corpus[name], max_bytes=10_000)
            outcomes[name] = "read"
        except E.IngestError as err:   # anything else fails the test
            outcomes[name] = type(err).__name__
    assert outcomes["too_large.csv"] == "FileTooLarge" and outcomes["utf8.csv"] == "read"


# ----- through the whole loader: every row read is loaded, rejected or set aside ------------------------------
LOADABLE = {  # name -> (rows read, rows rejected)
    "utf8.csv": (3, 0), "utf8_bom.csv": (3, 0), "utf16le_bom.csv": (3, 0), "semicolon.csv": (3, 0),
    "tab.tsv": (3, 0), "pipe.txt": (3, 0), "crlf.csv": (3, 0), "ragged_rows.csv": (4, 2),
    "trailing_empty_fields.csv": (2, 0), "title_above_header.csv": (3, 0), "blank_lines_between.csv": (3, 0),
    "gzipped.csv.gz": (3, 0), "orders.xlsx": (3, 0), "multi_sheet.xlsx": (3, 0),
    "title_above_header.xlsx": (3, 0), "blank_rows.xlsx": (2, 0),
}


@pytest.mark.parametrize("name", sorted(LOADABLE))
def test_corpus_file_through_the_loader(corpus, tmp_workspace, name):
    from insights.ingest import ingest_files
    report = ingest_files(tmp_workspace, [corpus[name]]).files[0]
    read, rejected = LOADABLE[name]
    assert (report.rows_read, report.rows_rejected) == (read, rejected), report.rejected_by_reason
    assert report.rows_read == report.rows_loaded + report.rows_rejected + report.rows_set_aside
    rows = [r[0] for r in tmp_workspace.con.execute("select source_row from order_lines order by 1").fetchall()]
    raw = read_file(corpus[name])
    assert rows == sorted(int(n) for n in raw.source_rows)


def test_damaged_copies_of_every_file_raise_only_ingest_errors(corpus):
    """Flip a few bytes or cut each file short: it reads, or says why in an IngestError — never anything else."""
    import random
    rng = random.Random(20241122)
    for name, path in corpus.items():
        data = path.read_bytes()
        variants = [data[: len(data) // 2], data[:7]]
        for _ in range(4):
            damaged = bytearray(data)
            for _ in range(rng.randint(1, 6)):
                if damaged:
                    damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            variants.append(bytes(damaged))
        for variant in variants:
            try:
                read_file(variant, name=name, max_bytes=200_000)
            except E.IngestError:
                pass


# ----- dates as real files write them (tests/corpus/make_corpus.py, DATE_BUILDERS): each file ends in the right
# value, with its format named in the file's report, or in a specific reject (row, column, value) ---------------
_JUL31 = dt.datetime(2018, 7, 31)
_JUL31_10 = dt.datetime(2018, 7, 31, 10)
DATES_LOADED = {  # name -> (format in the file's report, first line's order date, rows loaded)
    "dates_dd_mon_yy.csv": ("dd-Mon-yy", _JUL31, 3),
    "dates_dd_mon_yyyy.csv": ("dd-Mon-yyyy", _JUL31, 3),
    "dates_mon_dd_yyyy.csv": ("Mon dd, yyyy", _JUL31, 3),
    "dates_dotted.csv": ("dd.mm.yyyy", _JUL31, 3),
    "dates_iso_z.csv": ("yyyy-mm-ddThh:mm:ss.fff", _JUL31_10, 3),
    "dates_unix_seconds.csv": ("Unix seconds", _JUL31_10, 3),
    "dates_unix_milliseconds.csv": ("Unix milliseconds", _JUL31_10, 3),
    "dates_unix_microseconds.csv": ("Unix microseconds", _JUL31_10, 3),
    "dates_yyyymmdd.csv": ("yyyymmdd", _JUL31, 3),
    "dates_excel_serials_in_text.csv": ("dd/mm/yyyy or Excel date numbers", _JUL31, 4),
    "dates_one_unreadable.csv": ("dd-Mon-yy", _JUL31, 5),
}
EXPECTED.update({name: (DATE_HEADER.split(","), 4 if "serials" in name else 6 if "unreadable" in name else 3, None)
                 for name in DATES_LOADED})
EXPECTED.update({
    "dates_ga4_events.csv": (["event_date", "event_timestamp", "event_name", "user_pseudo_id", "ga_session_id"], 4,
                             lambda r: _col(r, "event_date")[0] == "20180731"),
    "dates_pair_orders.csv": (["order_id", "customer_id", "order_status", "order_purchase_timestamp",
                               "order_estimated_delivery_date"], 3, None),
    "dates_pair_items.csv": (["order_id", "order_item_id", "product_id", "seller_id", "shipping_limit_date", "price",
                              "freight_value"], 4, None),
})


def test_every_date_file_has_a_loader_expectation():
    assert set(DATE_BUILDERS) == set(DATES_LOADED) | {"dates_ga4_events.csv", "dates_pair_orders.csv",
                                                      "dates_pair_items.csv"}


@pytest.mark.parametrize("name", sorted(DATES_LOADED))
def test_date_file_ends_in_the_right_value(corpus, name):
    label, first, loaded = DATES_LOADED[name]
    ws = Workspace.in_memory()
    try:
        f = ingest_files(ws, [corpus[name]]).files[0]
        assert f.kind == "transactions"
        assert f.date_formats == {"Order Date": label}
        assert (f.rows_loaded, f.rows_read) == (loaded, loaded + f.rows_rejected)
        got = dict(ws.con.execute("select source_row, ordered_at from order_lines").fetchall())
        assert got[2] == first
        assert all(v is not None for v in got.values())
        rejects = ws.con.execute("select source_row, column_name, value from rejects").fetchall()
        if "unreadable" in name:   # the one date that fits no format: its row, column and text, not an empty date
            assert rejects == [(4, "Order Date", "sometime in August")]
            assert f.rejected_by_reason == {"order date is not a date Clueboard can read": 1}
        else:
            assert rejects == []
        if "serials" in name:       # 43313 and 43328 are Excel's numbers for 1 and 16 August 2018
            assert (got[3], got[5]) == (dt.datetime(2018, 8, 1), dt.datetime(2018, 8, 16))
    finally:
        ws.close()


def test_ga4_event_timestamp_dates_the_events(corpus):
    ws = Workspace.in_memory()
    try:
        f = ingest_files(ws, [corpus["dates_ga4_events.csv"]]).files[0]
        assert (f.kind, f.rows_loaded) == ("events", 4)
        assert f.date_formats["event_timestamp"] == "Unix microseconds"
        got = [t for _, t in ws.con.execute("select source_row, event_at from events order by 1").fetchall()]
        assert got[:2] == [_JUL31_10, dt.datetime(2018, 7, 31, 10, 1, 0, 123456)]
    finally:
        ws.close()


def _pair_load(corpus):
    ws = Workspace.in_memory()
    report = ingest_files(ws, [corpus["dates_pair_orders.csv"], corpus["dates_pair_items.csv"]])
    return ws, report


def test_header_and_lines_pair_loads_every_line_with_its_order(corpus):
    ws, report = _pair_load(corpus)
    try:
        orders, items = report.files
        assert (items.rows_read, items.rows_loaded, orders.rows_loaded) == (4, 4, 3)
        got = ws.con.execute("select order_id, customer_id from order_lines order by source_row").fetchall()
        assert got == [("o1", "c1"), ("o1", "c1"), ("o2", "c2"), ("o3", "c1")]
    finally:
        ws.close()


def test_header_date_wins_over_line_date(corpus):
    ws, _ = _pair_load(corpus)
    try:
        got = ws.con.execute("select order_id, ordered_at from order_lines order by source_row").fetchall()
        assert got == [("o1", dt.datetime(2018, 7, 31, 10, 15)), ("o1", dt.datetime(2018, 7, 31, 10, 15)),
                       ("o2", dt.datetime(2018, 8, 1, 9)), ("o3", dt.datetime(2018, 8, 2, 18, 30))]
    finally:
        ws.close()
