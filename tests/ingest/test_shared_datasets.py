"""Every dataset in ../shared/data, in the shape its publisher ships it, loaded and held against an independent pandas
computation on the same file: its kind, its rows (loaded + rejected + set aside = read), its money to the cent, its
dates and its text columns.

* UCI Online Retail: the first 60,000 lines of UCI's CSV (gzip, as shared); then the whole file, and the same
  rows as UCI's ``Online Retail.xlsx`` (541,909 rows, 234 MB of XML, written by the test into a temporary folder:
  it used to be refused as a zip bomb), loaded and held against each other.
* Olist's 15,000-order sample (orders, items, customers, reviews loaded together; its payments, products, sellers
  and category tables each load or are refused with an ingest error, never a traceback).
* IBM's Telco churn, CDNOW's master log, Amazon's Alexa reviews.
* Cookie Cats and Udacity's landing-page test are A/B-test results, not a shop's data: refused with a message
  that says so, unless the owner chooses a kind.

Olist's orders are dated by the orders file's purchase date (month by month as Olist's own figures), and identical
rows without an id (Alexa's short reviews, CDNOW's repeat purchases on one day) are different people's, kept.
"""

from __future__ import annotations

import datetime as dt
import gzip
import zipfile
from decimal import Decimal

import pandas as pd
import pytest

from bench.retail_workbook import write_online_retail_xlsx
from insights.core.workspace import Workspace
from insights.ingest import errors as E
from insights.ingest import ingest_files, load_prepared, prepare_file
from insights.ingest.mapping.ab_tests import ab_test_signs

RETAIL_LINES = 60_000


def _accounted(f) -> bool:
    return f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside


def _dec_sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if str(v).strip()), Decimal(0))


@pytest.fixture
def ws():
    workspace = Workspace.in_memory()
    yield workspace
    workspace.close()


def test_every_shared_dataset_is_covered(shared_data):
    """A dataset added to ../shared/data needs a test here."""
    covered = {"uci_online_retail", "olist_brazilian_ecommerce", "ibm_telco_customer_churn", "cdnow",
               "amazon_alexa_reviews", "cookie_cats_ab_test", "udacity_ab_test"}
    assert {p.name for p in shared_data.iterdir() if p.is_dir()} == covered


# ----- UCI Online Retail (order lines; a gzip CSV as shared) ---------------------------------------------------
@pytest.fixture(scope="module")
def retail(shared_data, tmp_path_factory):
    with gzip.open(shared_data / "uci_online_retail" / "online_retail.csv.gz", "rt", encoding="utf-8") as src:
        lines = [next(src) for _ in range(RETAIL_LINES + 1)]
    path = tmp_path_factory.mktemp("retail") / "online_retail.csv.gz"
    path.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    workspace = Workspace.in_memory()
    yield workspace, ingest_files(workspace, [path]).files[0], raw
    workspace.close()


def test_online_retail_kind_rows_and_money(retail):
    ws, f, raw = retail
    assert f.kind == "transactions" and f.rows_read == len(raw) == RETAIL_LINES and _accounted(f)
    duplicated = raw.duplicated()
    assert (f.rows_rejected, f.rows_set_aside) == (0, int(duplicated.sum()))
    line_totals = [Decimal(q) * Decimal(p) for q, p in zip(raw["Quantity"], raw["UnitPrice"])]
    assert f.revenue_read == sum(line_totals, Decimal(0))
    assert f.revenue_loaded == sum((t for t, d in zip(line_totals, duplicated) if not d), Decimal(0))
    assert ws.con.execute("select sum(revenue) from order_lines").fetchone()[0] == f.revenue_loaded


def test_online_retail_dates_customers_and_text(retail):
    ws, f, raw = retail
    kept = raw[~raw.duplicated()]
    assert f.date_formats == {"InvoiceDate": "yyyy-mm-dd hh:mm:ss"}
    dates = pd.to_datetime(kept["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
    got = ws.con.execute("select min(ordered_at), max(ordered_at), count(distinct order_id), "
                         "count(distinct customer_id) filter (where not is_guest) from order_lines").fetchone()
    customers = kept.loc[kept["CustomerID"] != "", "CustomerID"].str.removesuffix(".0").nunique()
    assert got == (dates.min().to_pydatetime(), dates.max().to_pydatetime(), kept["InvoiceNo"].nunique(), customers)
    names = dict(ws.con.execute("select source_row, product_name from order_lines").fetchall())
    expected = {i + 2: d.strip() for i, d in zip(kept.index, kept["Description"])}
    assert {row: names[row] or "" for row in expected} == expected


# ----- Olist (four related tables loaded together) -------------------------------------------------------------
OLIST_FILES = ["olist_customers_dataset.csv", "olist_orders_dataset.csv", "olist_order_items_dataset.csv",
               "olist_order_reviews_dataset.csv"]


@pytest.fixture(scope="module")
def olist(shared_data):
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders"
    workspace = Workspace.in_memory()
    report = load_prepared(workspace, [prepare_file(folder / n) for n in OLIST_FILES])
    raw = {n.removeprefix("olist_").removesuffix("_dataset.csv"): pd.read_csv(folder / n, dtype=str)
           for n in OLIST_FILES}
    yield workspace, report.files, raw
    workspace.close()


def test_olist_kinds_rows_and_money(olist):
    ws, files, raw = olist
    customers, orders, items, reviews = files
    assert [f.kind for f in files] == ["customers", "transactions", "transactions", "feedback"]
    assert all(_accounted(f) for f in files)
    assert (customers.rows_read, orders.rows_read, items.rows_read, reviews.rows_read) == \
        (len(raw["customers"]), len(raw["orders"]), len(raw["order_items"]), len(raw["order_reviews"])) == \
        (15_000, 15_000, 17_071, 14_944)
    assert items.rows_loaded == 17_071
    assert orders.rows_set_aside == len(set(raw["orders"]["order_id"]) - set(raw["order_items"]["order_id"])) == 115
    status = raw["orders"].set_index("order_id")["order_status"]
    cancelled = raw["order_items"]["order_id"].map(status).eq("canceled")
    assert items.revenue_read == _dec_sum(raw["order_items"]["price"]) == Decimal("2030270.94")
    assert items.revenue_excluded_by_status == _dec_sum(raw["order_items"].loc[cancelled, "price"])
    assert items.revenue_loaded == items.revenue_read - items.revenue_excluded_by_status
    people = ws.con.execute("select count(distinct customer_id) from order_lines").fetchone()[0]
    linked = raw["order_items"]["order_id"].map(raw["orders"].set_index("order_id")["customer_id"]).map(
        raw["customers"].set_index("customer_id")["customer_unique_id"])
    assert people == linked.nunique()


def test_olist_reviews_keep_their_scores_texts_and_dates(olist):
    ws, files, raw = olist
    reviews = raw["order_reviews"]
    f = files[3]
    assert f.rows_read == len(reviews) and f.rows_rejected == 0
    rows = ws.con.execute("select source_row, score, text, submitted_at from feedback").fetchall()
    assert len(rows) == f.rows_loaded >= len(reviews) - 20          # at most the 20 repeated review ids aside
    created = pd.to_datetime(reviews["review_creation_date"], format="%Y-%m-%d %H:%M:%S")
    comments = reviews["review_comment_message"].fillna("").str.strip()
    for row, score, text, when in rows:
        i = row - 2
        assert (score, text or "", when) == (float(reviews["review_score"][i]), comments[i],
                                             created[i].to_pydatetime())


def test_olist_order_count_and_revenue_in_total(olist):
    """Today's figures that hold whatever date an order gets: orders and net revenue of orders not cancelled."""
    ws, _, raw = olist
    status = raw["orders"].set_index("order_id")["order_status"]
    items = raw["order_items"].assign(status=raw["order_items"]["order_id"].map(status))
    counted = items[items["status"] != "canceled"]
    got = ws.con.execute("select count(distinct order_id), sum(revenue) from order_lines "
                         "where coalesce(status, '') <> 'canceled'").fetchone()
    assert got[0] == counted["order_id"].nunique()
    assert got[1] == _dec_sum(counted["price"])


def _olist_monthly(raw) -> dict[str, tuple[int, Decimal]]:
    """Olist's own monthly figures: orders and net revenue (item prices of orders not cancelled) by
    ``order_purchase_timestamp``."""
    orders = raw["orders"].set_index("order_id")
    items = raw["order_items"].join(orders[["order_status", "order_purchase_timestamp"]], on="order_id")
    items = items[items["order_status"] != "canceled"]
    month = items["order_purchase_timestamp"].str[:7]
    return {m: (g["order_id"].nunique(), _dec_sum(g["price"])) for m, g in items.groupby(month)}


def test_olist_monthly_orders_and_revenue_follow_the_purchase_date(olist):
    ws, _, raw = olist
    rows = ws.con.execute("""select strftime(ordered_at, '%Y-%m'), count(distinct order_id), sum(revenue)
                             from order_lines where coalesce(status, '') <> 'canceled' group by 1""").fetchall()
    assert {m: (n, r) for m, n, r in rows} == _olist_monthly(raw)


@pytest.mark.parametrize("name", ["olist_order_payments_dataset.csv", "olist_products_dataset.csv",
                                  "olist_sellers_dataset.csv", "product_category_name_translation.csv"])
def test_olist_other_tables_load_whole_or_are_refused_in_words(shared_data, ws, name):
    path = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders" / name
    try:
        f = ingest_files(ws, [path]).files[0]
    except E.IngestError as err:
        assert name in str(err)
        return
    assert f.rows_read == len(pd.read_csv(path, dtype=str)) and _accounted(f)


# ----- IBM Telco churn (a customer list) ----------------------------------------------------------------------
def test_telco_kind_rows_churn_and_charges(shared_data, ws):
    path = shared_data / "ibm_telco_customer_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    f = ingest_files(ws, [path]).files[0]
    assert f.kind == "customers" and f.rows_read == f.rows_loaded == len(raw) == 7_043 and _accounted(f)
    assert f.revenue_read == 0            # a customer list carries no sales
    churned, monthly, total = ws.con.execute("""select count(*) filter (where churned),
            sum(cast(attributes->>'$.MonthlyCharges' as decimal(18, 2))),
            sum(try_cast(nullif(trim(attributes->>'$.TotalCharges'), '') as decimal(18, 2))) from customer_records
        """).fetchone()
    assert churned == int((raw["Churn"] == "Yes").sum()) == 1_869
    assert monthly == _dec_sum(raw["MonthlyCharges"])
    assert total == _dec_sum(raw["TotalCharges"])


# ----- CDNOW (whitespace-separated purchases) -------------------------------------------------------------------
def test_cdnow_kind_rows_money_and_dates(shared_data, ws):
    """CDNOW's 255 lines identical to an earlier one are real repeat purchases on one day (SOURCE.md): kept."""
    path = shared_data / "cdnow" / "CDNOW_master.txt"
    raw = pd.read_csv(path, sep=r"\s+", dtype=str)
    f = ingest_files(ws, [path]).files[0]
    assert f.kind == "transactions" and f.rows_read == len(raw) == 69_659 and _accounted(f)
    assert int(raw.duplicated().sum()) == 255 and (f.rows_loaded, f.rows_set_aside, f.rows_rejected) == (69_659, 0, 0)
    assert f.date_formats == {raw.columns[1]: "yyyymmdd"}
    assert f.revenue_read == f.revenue_loaded == _dec_sum(raw.iloc[:, 3]) == Decimal("2500315.63")
    got = ws.con.execute("select count(distinct customer_id), sum(quantity), sum(revenue), min(ordered_at), "
                         "max(ordered_at) from order_lines").fetchone()
    dates = pd.to_datetime(raw.iloc[:, 1], format="%Y%m%d")
    assert (got[0], int(got[1]), got[2], got[3], got[4]) == (
        raw.iloc[:, 0].nunique(), int(raw.iloc[:, 2].astype(int).sum()), Decimal("2500315.63"),
        dates.min().to_pydatetime(), dates.max().to_pydatetime())
    assert (got[0], int(got[1])) == (23_570, 167_881)       # SOURCE.md's published counts


# ----- Amazon's Alexa reviews (feedback) -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def alexa(shared_data):
    path = shared_data / "amazon_alexa_reviews" / "amazon_alexa.tsv"
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    workspace = Workspace.in_memory()
    yield workspace, ingest_files(workspace, [path]).files[0], raw
    workspace.close()


def test_alexa_kind_dates_scores_and_texts(alexa):
    ws, f, raw = alexa
    assert f.kind == "feedback" and f.rows_read == len(raw) == 3_150 and _accounted(f) and f.rows_rejected == 0
    assert f.date_formats == {"date": "dd-Mon-yy"}
    rows = ws.con.execute("select source_row, submitted_at, score, text from feedback").fetchall()
    dates = pd.to_datetime(raw["date"], format="%d-%b-%y")
    for row, when, score, text in rows:
        i = row - 2
        assert (when, score) == (dates[i].to_pydatetime(), float(raw["rating"][i]))
        assert (text or "") == raw["verified_reviews"][i].strip()


def test_alexa_keeps_identical_reviews_as_different_people(alexa):
    """714 rows are identical in every column to an earlier one ("Love it!" the same day): different people."""
    ws, f, raw = alexa
    assert int(raw.duplicated().sum()) == 714
    assert (f.rows_loaded, f.rows_set_aside) == (len(raw), 0) == (3_150, 0)
    assert ws.con.execute("select count(*) from feedback").fetchone()[0] == 3_150


# ----- A/B-test results: not a shop's data ---------------------------------------------------------------------
@pytest.mark.parametrize("folder, name, signs", [
    ("cookie_cats_ab_test", "cookie_cats.csv", "'version': gate_30, gate_40; outcomes: retention_1, retention_7"),
    ("udacity_ab_test", "ab_data.csv", "'group': control, treatment; outcomes: converted"),
])
def test_ab_test_results_are_refused_with_what_they_are(shared_data, ws, folder, name, signs):
    with pytest.raises(E.UnsupportedFile) as info:
        ingest_files(ws, [shared_data / folder / name])
    message = str(info.value)
    assert message.startswith(name) and "This looks like an A/B-test result file" in message and signs in message
    arm = signs.split("'")[1]
    assert f"remove the test-group column '{arm}'" in message
    assert ws.con.execute("select count(*) from customer_records").fetchone()[0] == 0


def test_an_ab_test_file_loads_when_the_owner_chooses_its_kind(shared_data, ws):
    path = shared_data / "cookie_cats_ab_test" / "cookie_cats.csv"
    f = ingest_files(ws, [path], kind="customers").files[0]
    assert (f.kind, f.rows_read, f.rows_loaded) == ("customers", 90_189, 90_189)


def test_ab_test_signs_need_a_test_group_and_an_outcome():
    assert ab_test_signs(["user_id", "group", "converted"], [["1", "2"], ["control", "treatment"], ["0", "1"]]) \
        == "test groups in 'group': control, treatment; outcomes: converted"
    # Amazon's reviews: a product 'variation' and a 0/1 'feedback' flag are no test
    assert ab_test_signs(["rating", "variation", "feedback"], [["5", "1"], ["Black Dot", "White Dot"], ["1", "0"]]) \
        is None
    # a customer list with a customer group but no outcome per row, or too many groups
    assert ab_test_signs(["id", "group", "city"], [["1", "2"], ["VIP", "Regular"], ["Oslo", "Rome"]]) is None
    assert ab_test_signs(["id", "group", "converted"], [list("123456"), list("abcdef"), list("010101")]) is None


# ----- UCI Online Retail as UCI ships it: the whole file, as CSV and as Online Retail.xlsx ---------------------
@pytest.fixture(scope="module")
def retail_xlsx(shared_data, tmp_path_factory):
    """The whole Online Retail CSV and the same rows written as UCI's workbook, each loaded alone."""
    csv = shared_data / "uci_online_retail" / "online_retail.csv.gz"
    xlsx = write_online_retail_xlsx(tmp_path_factory.mktemp("uci") / "Online Retail.xlsx", csv)
    out = {}
    for name, path in (("csv", csv), ("xlsx", xlsx)):
        ws = Workspace.in_memory()
        out[name] = (ws, ingest_files(ws, [path]).files[0])
    yield xlsx, out
    for ws, _ in out.values():
        ws.close()


@pytest.mark.slow
def test_the_workbook_is_shaped_like_ucis(retail_xlsx):
    xlsx, _ = retail_xlsx
    with zipfile.ZipFile(xlsx) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    packed = xlsx.stat().st_size
    assert unpacked > 210e6 and 5 < unpacked / packed < 20      # over the old limit, an ordinary ratio


@pytest.mark.slow
def test_the_workbook_loads_like_the_csv(retail_xlsx):
    _, out = retail_xlsx
    (csv_ws, csv_file), (xl_ws, xl_file) = out["csv"], out["xlsx"]
    assert xl_file.rows_read == csv_file.rows_read == 541_909
    assert (xl_file.rows_loaded, xl_file.rows_rejected, xl_file.rows_set_aside) == \
           (csv_file.rows_loaded, csv_file.rows_rejected, csv_file.rows_set_aside)
    assert xl_file.revenue_loaded == csv_file.revenue_loaded
    query = ("select count(distinct customer_id), count(distinct order_id), min(ordered_at), max(ordered_at), "
             "sum(revenue) from order_lines")
    assert xl_ws.con.execute(query).fetchall() == csv_ws.con.execute(query).fetchall()
    first, last = xl_ws.con.execute("select min(ordered_at), max(ordered_at) from order_lines").fetchall()[0]
    assert (first, last) == (dt.datetime(2010, 12, 1, 8, 26), dt.datetime(2011, 12, 9, 12, 50))
