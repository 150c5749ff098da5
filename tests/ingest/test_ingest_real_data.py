"""Real public files load with every row accounted for and revenue equal to an independent computation.

Each expected figure is computed here with plain pandas + Decimal on the raw file (or quoted from the
dataset's SOURCE.md), never with Clueboard's own code.
"""

from decimal import Decimal

import pandas as pd
import pytest

from insights.ingest import ingest_files, prepare_file, load_prepared
from insights.core.workspace import Workspace


def _accounted(f):
    return f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside


def _dec_sum(values) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


# ----- UCI Online Retail ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def retail(shared_data):
    path = shared_data / "uci_online_retail" / "online_retail.csv.gz"
    ws = Workspace.in_memory()
    report = ingest_files(ws, [path])
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    yield ws, report.files[0], raw
    ws.close()


def test_online_retail_rows_all_accounted(retail):
    ws, f, raw = retail
    assert f.rows_read == len(raw) == 541_909
    assert _accounted(f)
    assert f.rows_rejected == 0
    duplicates = int(raw.duplicated().sum())
    assert duplicates == 5_268
    assert f.set_aside_by_reason == {"exact duplicate of an earlier row": duplicates}
    assert f.rows_loaded == ws.con.execute("select count(*) from order_lines").fetchone()[0] == 541_909 - duplicates


def test_online_retail_revenue_matches_an_independent_sum(retail):
    ws, f, raw = retail
    def revenue(frame):  # exact: Decimal per distinct (quantity, price) pair times its count
        pairs = frame.groupby(["Quantity", "UnitPrice"]).size()
        return sum((Decimal(q) * Decimal(p) * n for (q, p), n in pairs.items()), Decimal(0))
    expected_read = revenue(raw)
    expected_aside = revenue(raw[raw.duplicated()])
    assert round(expected_read, 2) == Decimal("9747747.93")
    assert f.revenue_read == expected_read
    assert f.revenue_set_aside == expected_aside
    assert f.revenue_loaded == expected_read - expected_aside
    assert ws.con.execute("select sum(revenue) from order_lines").fetchone()[0] == f.revenue_loaded


def test_online_retail_guests_cancellations_and_ids(retail):
    ws, f, raw = retail
    kept = raw[~raw.duplicated()]
    assert int((raw["CustomerID"] == "").sum()) == 135_080
    guests, cancels, float_ids, customers = ws.con.execute("""select
            count(*) filter (where is_guest), count(*) filter (where order_id like 'C%' and is_cancellation),
            count(*) filter (where source_customer_id like '%.0'), count(distinct customer_id)
        from order_lines""").fetchone()
    assert guests == int((kept["CustomerID"] == "").sum())
    assert cancels == int(kept["InvoiceNo"].str.startswith("C").sum())
    assert float_ids == 0 and customers == 4_372
    assert ws.con.execute("select count(*) from customers").fetchone()[0] == 4_372


# ----- CDNOW ------------------------------------------------------------------------------------------------
def test_cdnow_whitespace_text(shared_data, tmp_workspace):
    path = shared_data / "cdnow" / "CDNOW_master.txt"
    f = ingest_files(tmp_workspace, [path]).files[0]
    raw = pd.read_csv(path, sep=r"\s+", dtype=str)
    assert f.kind == "transactions" and f.rows_read == len(raw) == 69_659 and _accounted(f)
    assert f.mapping["line_total"] == raw.columns[3] and f.mapping["quantity"] == raw.columns[2]
    assert f.rows_rejected == 0
    # no order number: identical purchases can be two real ones, so they are kept and reported (issue 10)
    assert f.rows_set_aside == 0 and f.identical_rows_kept == int(raw.duplicated().sum()) == 255
    assert f.revenue_read == f.revenue_loaded == _dec_sum(raw.iloc[:, 3]) == Decimal("2500315.63")
    con = tmp_workspace.con
    assert con.execute("select count(distinct customer_id) from order_lines").fetchone()[0] == 23_570
    assert con.execute("select min(source_customer_id) from order_lines").fetchone()[0] == "00001"
    assert con.execute("select min(ordered_at)::date::varchar, max(ordered_at)::date::varchar "
                       "from order_lines").fetchone() == ("1997-01-01", "1998-06-30")


# ----- Telco churn ------------------------------------------------------------------------------------------
def test_telco_customers_keep_blank_total_charges(shared_data, tmp_workspace):
    path = shared_data / "ibm_telco_customer_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    f = ingest_files(tmp_workspace, [path]).files[0]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert f.kind == "customers" and f.rows_read == f.rows_loaded == len(raw) == 7_043 and _accounted(f)
    con = tmp_workspace.con
    churned, blanks, ids = con.execute("""select count(*) filter (where churned),
            count(*) filter (where attributes->>'$.TotalCharges' = ' '), count(distinct customer_id)
        from customer_records""").fetchone()
    assert churned == int((raw["Churn"] == "Yes").sum()) == 1_869
    assert blanks == int((raw["TotalCharges"] == " ").sum()) == 11
    assert ids == 7_043


# ----- Olist (several related tables) -------------------------------------------------------------------------
def test_olist_related_tables(shared_data, tmp_workspace):
    """How the Olist tables load together.

    * ``olist_orders_dataset`` has order numbers and dates but no prices: an *orders table*. It completes the
      order lines loaded with it (customer, purchase time, status, delivery and estimated delivery dates).
      Its orders without any item are set aside ("order has no lines ...").
    * ``olist_order_items_dataset`` is the order lines: price per item row (quantity 1).
    * ``olist_customers_dataset`` is the customer list: ``customer_unique_id`` is the person and the per-order
      ``customer_id`` is a second id that links each order to that person.
    * ``olist_order_reviews_dataset`` is feedback (score 1–5 and comment), linked to the person by order.
    * payments are not part of this load: they load as order attributes and are reconciled against the items
      plus freight (tests/ingest/test_olist_orders.py).
    """
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders"
    names = ["olist_customers_dataset.csv", "olist_orders_dataset.csv", "olist_order_items_dataset.csv",
             "olist_order_reviews_dataset.csv"]
    plans = [prepare_file(folder / n) for n in names]
    assert [p.kind for p in plans] == ["customers", "transactions", "transactions", "feedback"]
    assert plans[1].role == "orders" and plans[2].role == "lines"
    report = load_prepared(tmp_workspace, plans)
    customers, orders, items, reviews = report.files
    for f in report.files:
        assert _accounted(f), f.name
    raw_items = pd.read_csv(folder / names[2], dtype=str)
    raw_orders = pd.read_csv(folder / names[1], dtype=str)
    assert items.rows_loaded == len(raw_items) == 17_071
    assert items.revenue_read == _dec_sum(raw_items["price"]) == Decimal("2030270.94")
    cancelled_orders = set(raw_orders.loc[raw_orders["order_status"].isin(["canceled", "unavailable"]), "order_id"])
    cancelled_value = _dec_sum(raw_items.loc[raw_items["order_id"].isin(cancelled_orders) &
                                             raw_orders.set_index("order_id").loc[raw_items["order_id"],
                                             "order_status"].eq("canceled").to_numpy(), "price"])
    assert items.revenue_excluded_by_status == cancelled_value
    assert items.revenue_read == items.revenue_loaded + items.revenue_excluded_by_status
    without_items = len(set(raw_orders["order_id"]) - set(raw_items["order_id"]))
    assert without_items == 115
    assert orders.rows_set_aside == without_items and orders.rows_loaded == 15_000 - without_items
    con = tmp_workspace.con
    assert con.execute("select count(*) from order_lines where ordered_at is null or customer_id is null").fetchone()[0] == 0
    people = pd.read_csv(folder / names[0], dtype=str)["customer_unique_id"].nunique()
    assert con.execute("select count(distinct customer_id) from customer_records").fetchone()[0] == people == 14_904
    assert con.execute("select count(distinct customer_id) from order_lines").fetchone()[0] <= people
    assert reviews.rows_loaded + reviews.rows_set_aside == 14_944
    linked = con.execute("select count(*) filter (where customer_id is not null) / count(*) from feedback").fetchone()[0]
    assert linked > 0.99
