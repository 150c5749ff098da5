"""Loading: every row accounted for, shop realities, duplicates, re-uploads, overlapping exports, atomicity."""

from decimal import Decimal

import pandas as pd
import pytest

from insights.ingest import ingest_files, prepare_file, load_prepared, rejects_frame, set_aside_frame

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
ROWS = [
    "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",   # exact duplicate
    "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom",               # cancellation
    "536380,POST,POSTAGE,3,2010-12-01 09:45:00,18.00,12583.0,France",                        # non-product
    "536381,22139,RETROSPOT TEA SET,1,2010-12-01 09:50:00,4.95,,United Kingdom",             # guest
    "536382,22139,RETROSPOT TEA SET,two,2010-12-01 09:50:00,4.95,17850.0,United Kingdom",   # bad quantity
    ",22139,RETROSPOT TEA SET,1,2010-12-01 09:50:00,4.95,17850.0,United Kingdom",           # no order id
    "536383,22139,RETROSPOT TEA SET,1,yesterday,4.95,17850.0,United Kingdom",                # bad date
    "536384,22139,RETROSPOT TEA SET,-2,2010-12-02 10:00:00,0,,United Kingdom",               # stock adjustment
]


@pytest.fixture
def retail_csv(tmp_path):
    path = tmp_path / "retail.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def _accounted(f):
    return f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside


def _lines(ws):
    return ws.con.execute("select * from order_lines order by source_row").df()


def test_every_row_is_accounted_for(tmp_workspace, retail_csv):
    f = ingest_files(tmp_workspace, [retail_csv]).files[0]
    assert f.rows_read == 10
    assert (f.rows_loaded, f.rows_rejected, f.rows_set_aside) == (6, 3, 1)
    assert _accounted(f)
    assert f.rejected_by_reason == {"quantity is not a number": 1, "no order number": 1,
                                    "order date is not a date Clueboard can read": 1}
    assert f.set_aside_by_reason == {"exact duplicate of an earlier row": 1}


def test_rejects_name_row_column_value_and_reason(tmp_workspace, retail_csv):
    ingest_files(tmp_workspace, [retail_csv])
    rejects = rejects_frame(tmp_workspace)
    assert list(rejects.columns) == ["file", "row", "column", "value", "reason"]
    by_row = {r.row: r for r in rejects.itertuples()}
    assert by_row[8].column == "Quantity" and by_row[8].value == "two"
    assert by_row[9].column == "InvoiceNo" and by_row[9].reason == "no order number"
    assert by_row[10].column == "InvoiceDate" and by_row[10].value == "yesterday"
    assert set(rejects["file"]) == {"retail.csv"}
    aside = set_aside_frame(tmp_workspace)
    assert aside.iloc[0]["row"] == 4 and aside.iloc[0]["reason"] == "exact duplicate of row 3"


def test_revenue_reconciles_to_the_cent(tmp_workspace, retail_csv):
    f = ingest_files(tmp_workspace, [retail_csv]).files[0]
    expected_read = (6 * Decimal("2.55") + 2 * 6 * Decimal("3.39") - Decimal("27.50") + 3 * 18
                     + Decimal("4.95") * 3 + 0)  # rows 2-6, the bad-date row (its amount is readable), row 11
    assert f.revenue_read == expected_read
    assert f.revenue_set_aside == 6 * Decimal("3.39")
    assert f.revenue_rejected == 2 * Decimal("4.95")  # no order number, unreadable date
    assert f.revenue_read == f.revenue_loaded + f.revenue_set_aside + f.revenue_rejected
    loaded = tmp_workspace.con.execute("select sum(revenue) from order_lines").fetchone()[0]
    assert loaded == f.revenue_loaded


def test_shop_realities_become_flags(tmp_workspace, retail_csv):
    ingest_files(tmp_workspace, [retail_csv])
    lines = _lines(tmp_workspace).set_index("source_row")
    assert lines.loc[2, "source_customer_id"] == "17850"       # 17850.0 -> 17850
    assert lines.loc[5, "is_cancellation"] and float(lines.loc[5, "revenue"]) == -27.5
    assert lines.loc[6, "is_non_product"] and not lines.loc[2, "is_non_product"]
    assert lines.loc[7, "is_guest"] and pd.isna(lines.loc[7, "customer_id"])
    assert lines.loc[11, "is_cancellation"]  # negative quantity without a return marker
    orders = tmp_workspace.con.execute("select order_id, is_order from orders").df().set_index("order_id")
    assert not orders.loc["C536379", "is_order"]


def test_returns_by_status_are_netted(tmp_workspace, tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text("Order ID,Order Date,Customer ID,Quantity,Unit Price,Status\n"
                    "A1,2024-01-05,c1,1,10.00,paid\n"
                    "A2,2024-01-06,c1,1,20.00,Refunded\n"
                    "A3,2024-01-07,c2,1,30.00,cancelled\n"
                    "A4,2024-01-08,c2,-1,10.00,returned\n", encoding="utf-8")
    f = ingest_files(tmp_workspace, [path]).files[0]
    lines = _lines(tmp_workspace).set_index("order_id")
    assert lines.loc["A2", "is_return"] and lines.loc["A2", "revenue"] == 0
    assert lines.loc["A3", "is_cancellation"] and lines.loc["A3", "revenue"] == 0
    assert lines.loc["A4", "is_return"] and not lines.loc["A4", "is_cancellation"]
    assert f.revenue_excluded_by_status == Decimal("50.00")
    assert f.revenue_loaded == Decimal("0.00")  # 10 - 10
    assert f.revenue_read == f.revenue_loaded + f.revenue_excluded_by_status


def test_same_file_again_changes_nothing(tmp_workspace, retail_csv):
    ingest_files(tmp_workspace, [retail_csv])
    before = tmp_workspace.row_counts(), tmp_workspace.con.execute("select count(*) from rejects").fetchone()
    again = ingest_files(tmp_workspace, [retail_csv]).files[0]
    assert again.already_loaded and again.rows_loaded == 0 and again.rows_set_aside == again.rows_read == 10
    assert _accounted(again)
    after = tmp_workspace.row_counts(), tmp_workspace.con.execute("select count(*) from rejects").fetchone()
    assert before == after


def test_next_months_export_appends_only_new_lines(tmp_workspace, tmp_path):
    first = tmp_path / "nov.csv"
    first.write_text(HEADER + "\n".join(ROWS[:2]) + "\n", encoding="utf-8")
    second = tmp_path / "dec.csv"
    second.write_text(HEADER + "\n".join(ROWS[:2] + [ROWS[5]]) + "\n", encoding="utf-8")
    ingest_files(tmp_workspace, [first])
    report = ingest_files(tmp_workspace, [second])
    f = report.files[0]
    assert not f.already_loaded
    assert (f.rows_loaded, f.rows_set_aside) == (1, 2) and _accounted(f)
    assert f.set_aside_by_reason == {"already loaded from nov.csv": 2}
    assert report.workspace["order_lines"] == 3


def test_a_failing_load_leaves_the_workspace_untouched(tmp_workspace, retail_csv, monkeypatch):
    import insights.ingest.load.batch as batch
    def broken(con, *args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(batch, "resolve_identities", broken)
    with pytest.raises(RuntimeError):
        ingest_files(tmp_workspace, [retail_csv])
    counts = tmp_workspace.con.execute("select (select count(*) from order_lines), (select count(*) from files), "
                                       "(select count(*) from rejects), (select count(*) from mapping_memory)").fetchone()
    assert counts == (0, 0, 0, 0)


def test_line_totals_give_unit_prices(tmp_workspace, tmp_path):
    path = tmp_path / "cdnow.txt"
    path.write_text(" customer_id  date number_of_cds  dollar_value\n"
                    " 00001 19970101  1   11.77\n 00002 19970112  2   24.00\n 00002 19970112  2   24.00\n",
                    encoding="utf-8")
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert f.mapping["line_total"] == "dollar_value" and f.mapping["quantity"] == "number_of_cds"
    lines = tmp_workspace.con.execute("select unit_price, source_customer_id, order_id, ordered_at::date::varchar "
                                      "from order_lines order by source_row").fetchall()
    # no order number: the identical purchase is kept (it can be a second real one) and reported (issue 10)
    assert lines == [(Decimal("11.77"), "00001", "00001-19970101", "1997-01-01"),   # leading zeros survive
                     (Decimal("12.00"), "00002", "00002-19970112", "1997-01-12"),
                     (Decimal("12.00"), "00002", "00002-19970112", "1997-01-12")]
    assert f.revenue_read == f.revenue_loaded == Decimal("59.77") and f.identical_rows_kept == 1


def test_customers_keep_unmapped_columns_as_attributes(tmp_workspace, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("Customer ID,First Name,Last Name,Email,Email Opt-In,Churn,Plan\n"
                    "c1,Ann,Lee, Ann@X.com ,yes,No,Gold\n"
                    ",,,,,,\n"
                    "c2,Bob,,,no,Yes, \n", encoding="utf-8")
    f = ingest_files(tmp_workspace, [path]).files[0]
    # A row whose every cell is empty is not a record: it is skipped like a blank line, and said so.
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (2, 2, 0)
    assert any("Skipped 1 blank" in n for n in f.notes), f.notes
    rec = tmp_workspace.con.execute("select source_customer_id, name, email, consent_email, churned, "
                                    "attributes->>'$.Plan' from customer_records order by 1").fetchall()
    assert rec == [("c1", "Ann Lee", "ann@x.com", True, False, "Gold"), ("c2", "Bob", None, False, True, " ")]


def test_missing_required_field_is_a_clear_error(tmp_workspace, tmp_path):
    from insights.ingest.errors import IngestError
    path = tmp_path / "x.csv"
    path.write_text("Order ID,Order Date,Quantity,Unit Price\nA1,2024-01-01,1,2\n", encoding="utf-8")
    plan = prepare_file(path)
    plan.set_mapping("unit_price", None)
    with pytest.raises(IngestError, match="Unit price"):
        load_prepared(tmp_workspace, [plan])


def test_bundled_sample_loads_without_rejects(tmp_workspace):
    from insights.ingest.sample import sample_files
    files = sample_files()
    report = ingest_files(tmp_workspace, files)
    kinds = {f.name: f.kind for f in report.files}
    assert kinds == {"customers.csv": "customers", "orders.csv": "transactions", "web_events.csv": "events",
                     "feedback.csv": "feedback", "marketing_spend.csv": "spend"}
    for f in report.files:
        assert _accounted(f) and f.rows_rejected == 0, (f.name, f.rejected_by_reason)
    by_name = {f.name: f for f in report.files}
    assert by_name["orders.csv"].mapping["delivered_at"] == "Delivered Date"
    assert by_name["orders.csv"].mapping["promised_at"] == "Promised Date"
    assert by_name["customers.csv"].mapping["channel"] == "Acquisition Channel"
    assert by_name["orders.csv"].revenue_read == (by_name["orders.csv"].revenue_loaded
                                                  + by_name["orders.csv"].revenue_set_aside
                                                  + by_name["orders.csv"].revenue_excluded_by_status)
    event_types = {r[0] for r in tmp_workspace.con.execute("select distinct event_type from events").fetchall()}
    assert {"view", "cart", "checkout", "purchase"} <= event_types


@pytest.mark.parametrize("fld,values", [
    ("customer_id", ["17850.0", "00123", " 42 ", "", None, "1.785E+04", "x-1"]),
    ("unit_price", ["1.234,50", "(12,00)", "€ 3,10", "abc", "", None, "7"]),
    ("ordered_at", ["01/12/2010 08:26", "13/01/2011 10:00", "not a date", "", None, "2011-02-30"]),
    ("consent_email", ["yes", "No", "maybe", "", None, "1"]),
    ("product_name", ["Mug ", " Tea set", "", None, "Lamp"]),      # text: trimmed once per distinct value
    ("order_id", ["536365", "C536379", None, "A1"]),             # clean ids: the column is its own result
])
def test_long_columns_parsed_once_per_distinct_value_give_the_per_row_result(fld, values):
    import numpy as np
    import pyarrow as pa

    from insights.ingest import values as V
    from insights.ingest.load.parse import DISTINCT_PARSE_MIN_ROWS, field_type, parse_field, parse_values
    rng = np.random.default_rng(7)
    column = pa.array([values[i] for i in rng.integers(0, len(values), DISTINCT_PARSE_MIN_ROWS + 500)], pa.string())
    date_format = V.detect_date_format(column) if fld == "ordered_at" else None
    fast = parse_field(fld, column, date_format)
    typ = field_type(fld)
    slow = parse_values(fld, typ, column, date_format, V.detect_number_format(column) if typ == "number" else None)
    assert fast[0].equals(slow[0])
    assert (fast[1] == slow[1]).all() and (fast[2] == slow[2]).all()
    assert fast[2].any() and (typ in ("id", "text") or fast[1].any())   # empty and unreadable cells kept apart
    # a column read in blocks (a big file parsed on several cores) gives the same result
    chunked = parse_field(fld, pa.chunked_array([column.slice(0, 7_000), column.slice(7_000, 9_000),
                                                 column.slice(16_000)]), date_format)
    assert pa.chunked_array([chunked[0]]).combine_chunks().equals(fast[0].combine_chunks() if
                                                                  isinstance(fast[0], pa.ChunkedArray) else fast[0])
    assert (chunked[1] == fast[1]).all() and (chunked[2] == fast[2]).all()


def test_overlapping_exports_uploaded_together_load_each_line_once(tmp_workspace, tmp_path):
    # both files are classified before either is written: the second must still see the first one's lines
    first = tmp_path / "nov.csv"
    first.write_text(HEADER + "\n".join(ROWS[:2]) + "\n", encoding="utf-8")
    second = tmp_path / "dec.csv"
    second.write_text(HEADER + "\n".join([ROWS[1], ROWS[5]]) + "\n", encoding="utf-8")
    report = ingest_files(tmp_workspace, [first, second])
    nov, dec = report.files
    assert (nov.rows_loaded, nov.rows_set_aside) == (2, 0)
    assert (dec.rows_loaded, dec.rows_set_aside) == (1, 1) and _accounted(dec)
    assert dec.set_aside_by_reason == {"already loaded from nov.csv": 1}
    assert report.workspace["order_lines"] == 3
    # line ids stay unique across the two files of one batch
    ids = tmp_workspace.con.execute("select count(distinct line_id), count(*) from order_lines").fetchall()[0]
    assert ids == (3, 3)


def test_row_hash_is_md5_of_the_kind_and_the_cells_as_read(tmp_workspace, retail_csv):
    import hashlib
    import uuid

    ingest_files(tmp_workspace, [retail_csv])
    stored = tmp_workspace.con.execute("select row_hash from order_lines where source_row = 2").fetchall()[0][0]
    cells = ROWS[0].split(",")
    digest = hashlib.md5("\x1f".join(["transactions", *cells]).encode()).digest()
    # md5_number reads the 16 bytes as one little-endian number; stored as a UUID of that number
    assert stored == uuid.UUID(int=int.from_bytes(digest, "little"))


def test_a_workspace_with_hex_row_hashes_is_converted_and_still_knows_its_rows(tmp_path):
    import hashlib

    from insights.core.workspace import Workspace

    ws = Workspace.create("Old", root=tmp_path)
    first = tmp_path / "nov.csv"
    first.write_text(HEADER + ROWS[0] + "\n", encoding="utf-8")
    ingest_files(ws, [first])
    # rewind the table to the old layout: row_hash as 32 hex digits of md5
    hex_hash = hashlib.md5("\x1f".join(["transactions", *ROWS[0].split(",")]).encode()).hexdigest()
    ws.con.execute("alter table order_lines alter row_hash type varchar using null")
    ws.con.execute("update order_lines set row_hash = ?", [hex_hash])
    path = ws.path
    ws.close()
    reopened = Workspace.open(path)
    kind = reopened.con.execute("select data_type from information_schema.columns "
                                "where table_name = 'order_lines' and column_name = 'row_hash'").fetchall()[0][0]
    assert kind == "UUID"
    second = tmp_path / "dec.csv"
    second.write_text(HEADER + ROWS[0] + "\n" + ROWS[5] + "\n", encoding="utf-8")
    f = ingest_files(reopened, [second]).files[0]
    assert f.set_aside_by_reason == {"already loaded from nov.csv": 1} and f.rows_loaded == 1
    reopened.close()
    # a read-only reader of an old workspace opens it without converting anything
    old = Workspace.create("Older", root=tmp_path)
    old.con.execute("alter table order_lines alter row_hash type varchar using null")
    older_path = old.path
    old.close()
    reader = Workspace.open(older_path, read_only=True)
    assert reader.con.execute("select data_type from information_schema.columns where table_name = 'order_lines' "
                              "and column_name = 'row_hash'").fetchall()[0][0] == "VARCHAR"
    reader.close()


def test_a_missing_file_is_a_clear_error_not_a_traceback(tmp_path):
    from insights.ingest.errors import IngestError
    with pytest.raises(IngestError) as err:
        prepare_file(tmp_path / "nowhere.csv")
    assert "readable file" in str(err.value) and "nowhere.csv" in str(err.value)


def test_duplicates_among_many_rows_need_both_halves_of_the_hash():
    """The duplicate search on 300k rows: a row is an exact duplicate only when both 64-bit halves of its hash
    equal an earlier candidate row's; the earlier row is the first occurrence; a rejected row is no candidate."""
    import numpy as np
    import pyarrow as pa

    from insights.ingest.load.hashing import already_loaded, earlier_copies
    from insights.ingest.load.stage import Staged
    from insights.core.workspace import Workspace
    ws = Workspace.in_memory()
    ws.con.execute("create temp table _batch_hashes (tbl varchar, h uuid, file_name varchar)")
    n = 300_000
    rng = np.random.default_rng(3)
    hi = rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64)
    lo = rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64)
    for copy, original in [(10, 5), (20, 7), (30, 7), (299_999, 7), (60, 40)]:
        hi[copy], lo[copy] = hi[original], lo[original]
    hi[41] = hi[8]                                   # the upper half only: not a duplicate
    hi[50] = hi[5] ^ np.uint64(1 << 40)              # the same low bits as a repeated value: not a duplicate
    candidate = np.ones(n, dtype=bool)
    candidate[[30, 40]] = False                      # rejected rows take no part
    staged = Staged(n, np.arange(2, n + 2), {}, {}, hash_hi=pa.array(hi), hash_lo=pa.array(lo))
    earlier = earlier_copies(staged, candidate)
    prior = already_loaded(ws.con, "order_lines", staged, candidate & np.isnan(earlier))
    found = {int(i): int(earlier[i]) for i in np.flatnonzero(~np.isnan(earlier))}
    assert found == {10: 7, 20: 9, 299_999: 9}       # spreadsheet row numbers (index + 2)
    assert prior == []


def test_progress_moves_forward_through_every_step_and_names_each_file(tmp_workspace, tmp_path):
    nov, dec = tmp_path / "nov.csv", tmp_path / "dec.csv"
    nov.write_text(HEADER + "\n".join(ROWS[:5]) + "\n", encoding="utf-8")
    dec.write_text(HEADER + "\n".join(ROWS[5:]) + "\n", encoding="utf-8")
    seen = []
    ingest_files(tmp_workspace, [nov, dec], progress=lambda fraction, message: seen.append((fraction, message)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1.0
    messages = [m for _, m in seen]
    for step in ("Checking nov.csv…", "Checking dec.csv…", "Matching customers across files…", "Saving nov.csv…",
                 "Saving dec.csv…", "Building summaries…", "Writing to disk…", "Done"):
        assert step in messages
    # saving the lines, the longest step, has a third of the bar, between matching and the summaries
    saving = [f for f, m in seen if m.startswith("Saving")]
    assert 0.35 < min(saving) and max(saving) < 0.75
