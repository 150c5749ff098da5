"""Olist as Olist ships it: the order's date comes from the orders file, payments load as order attributes and are
reconciled, the products catalog is named for what it is (issue 19, "The order's date comes from the order")."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from insights.ingest import prepare_file
from insights.ingest.errors import IngestError
from insights.ingest.load.batch import load_prepared

NAMES = ["olist_orders_dataset.csv", "olist_order_items_dataset.csv",
         "olist_order_payments_dataset.csv"]


@pytest.fixture(scope="module")
def olist(request, tmp_path_factory):
    shared = request.getfixturevalue("shared_data")
    from insights.core.workspace import Workspace
    folder = shared / "olist_brazilian_ecommerce" / "sample_15k_orders"
    ws = Workspace.create("Olist", root=tmp_path_factory.mktemp("olist") / "workspaces")
    plans = [prepare_file(folder / n) for n in NAMES]
    report = load_prepared(ws, plans)
    yield folder, ws, plans, report
    ws.close()


def _raw(folder, name):
    return pd.read_csv(folder / name, dtype=str)


def test_monthly_orders_and_revenue_follow_the_purchase_date(olist):
    """Monthly orders and net revenue (item prices of orders not cancelled) by order_purchase_timestamp equal an
    independent pandas computation, month by month (they were off by −48% to +29% when the items' shipping
    deadline dated the orders)."""
    folder, ws, _, _ = olist
    orders, items = _raw(folder, "olist_orders_dataset.csv"), _raw(folder, "olist_order_items_dataset.csv")
    lines = items.merge(orders, on="order_id", how="inner")
    lines = lines[lines["order_status"] != "canceled"]
    lines["month"] = pd.to_datetime(lines["order_purchase_timestamp"]).dt.strftime("%Y-%m")
    lines["price"] = lines["price"].map(Decimal)
    expected = lines.groupby("month").agg(orders=("order_id", "nunique"), revenue=("price", "sum"))
    got = ws.con.execute("""select strftime(ordered_at, '%Y-%m') as month, count(*) as orders,
                                   sum(net_revenue) as revenue
                            from orders where is_order group by 1 order by 1""").df().set_index("month")
    assert list(got.index) == list(expected.index)
    assert got["orders"].tolist() == expected["orders"].tolist()
    assert [Decimal(v).quantize(Decimal("0.01")) for v in got["revenue"]] == expected["revenue"].tolist()
    assert expected.loc["2017-11", "orders"] > expected.loc["2017-12", "orders"]   # Black Friday stays in November


def test_a_cancelled_orders_shipping_deadline_is_not_the_last_order(olist):
    folder, ws, _, report = olist
    orders = _raw(folder, "olist_orders_dataset.csv")
    items = _raw(folder, "olist_order_items_dataset.csv")
    assert items["shipping_limit_date"].max() >= "2020"                      # the source's far-future deadline
    with_items = orders[orders["order_id"].isin(items["order_id"])]
    last = with_items["order_purchase_timestamp"].max()
    assert report.workspace["last_order_at"] == pd.Timestamp(last).isoformat() < "2019"
    assert ws.con.execute("select max(ordered_at) from order_lines").fetchone()[0] == pd.Timestamp(last)
    # the deadline is kept as an attribute of each line, not lost
    kept = ws.con.execute("select count(*), max(value) from order_attributes where name = 'ship_by' "
                          "and line_id is not null").fetchone()
    assert kept == (len(items), items["shipping_limit_date"].max())


def test_the_report_says_which_column_dates_the_orders(olist):
    _, _, plans, report = olist
    by_name = {f.name: f for f in report.files}
    assert by_name["olist_order_items_dataset.csv"].order_date_column == (
        "order_purchase_timestamp (olist_orders_dataset.csv)")
    assert by_name["olist_orders_dataset.csv"].order_date_column == "order_purchase_timestamp"
    assert set(by_name["olist_orders_dataset.csv"].attributes) == {"order_approved_at",
                                                                     "order_delivered_carrier_date"}
    assert set(by_name["olist_order_items_dataset.csv"].attributes) == {"shipping_limit_date", "freight_value"}
    # loaded with its orders file, the items file needs no confirmation about its date
    assert plans[1].needs_confirmation == []


def test_the_items_file_alone_asks_before_its_shipping_deadline_dates_orders(shared_data):
    plan = prepare_file(shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders" /
                        "olist_order_items_dataset.csv")
    assert plan.columns[plan.mapping["ordered_at"]] == "shipping_limit_date"
    assert len(plan.needs_confirmation) == 1 and "shipping_limit_date" in plan.needs_confirmation[0]
    plan.set_mapping("ordered_at", plan.columns.index("shipping_limit_date"))   # the owner confirms
    assert plan.needs_confirmation == []


def test_payments_load_as_order_attributes_and_reconcile(olist):
    folder, ws, plans, report = olist
    assert plans[2].role == "payments"
    payments = _raw(folder, "olist_order_payments_dataset.csv")
    items = _raw(folder, "olist_order_items_dataset.csv")
    pay = report.files[2]
    assert pay.rows_read == pay.rows_loaded == len(payments) == 15_733
    assert set(pay.attributes) == {"payment_sequential", "payment_type", "payment_installments", "payment_value"}
    types = ws.con.execute("select value, count(*) from order_attributes where name = 'payment_type' "
                           "group by 1").fetchall()
    assert dict(types) == payments["payment_type"].value_counts().to_dict()
    # reconciliation against an independent computation
    paid = payments.assign(v=payments["payment_value"].map(Decimal)).groupby("order_id")["v"].sum()
    lines = items.assign(v=items["price"].map(Decimal) + items["freight_value"].map(Decimal)
                         ).groupby("order_id")["v"].sum()
    both = paid.index.intersection(lines.index)
    differ = int((abs(paid[both] - lines[both]) > Decimal("0.01")).sum())
    rec = pay.reconciliation
    assert rec["orders_paid"] == len(paid) and rec["orders_with_lines"] == len(both)
    assert Decimal(str(rec["payments_total"])) == paid.sum() == Decimal("2397904.56")
    assert Decimal(str(rec["items_total"])) + Decimal(str(rec["freight_total"])) == lines[both].sum()
    assert rec["orders_that_differ"] == differ > 0
    assert Decimal(str(rec["difference"])) == paid[both].sum() - lines[both].sum()


def test_the_products_catalog_is_named_for_what_it_is(shared_data, tmp_workspace):
    # detected as a catalog it loads (tests/ingest/test_catalog.py); taken for order lines it is refused in words
    path = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders" / "olist_products_dataset.csv"
    assert prepare_file(path).kind == "catalog"
    plan = prepare_file(path, kind="transactions")
    with pytest.raises(IngestError) as err:
        load_prepared(tmp_workspace, [plan])
    text = str(err.value)
    assert "product catalog" in text and "--kind catalog" in text and "product_id" in text
    assert "Unit price" not in text


def test_the_shipping_deadline_question_stops_the_load_until_confirmed(shared_data):
    # the plan's doubt reaches the confirm step: alone, the items file is not loaded until the owner confirms;
    # with its orders file the purchase date dates the orders and nothing is asked about it
    from insights.core.workspace import Workspace
    from insights.ingest.preview import load_unless_unsure, preview_load
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders"
    items = prepare_file(folder / "olist_order_items_dataset.csv")
    ws = Workspace.in_memory("olist-gate")
    try:
        preview, report = load_unless_unsure(ws, [items])
        asks = [c for c in preview.needs_confirmation if c.reason == "plan"]
        assert report is None and len(asks) == 1 and "shipping_limit_date" in asks[0].question
        assert ws.con.execute("select count(*) from order_lines").fetchone()[0] == 0
        both = preview_load(ws, [prepare_file(folder / "olist_orders_dataset.csv"),
                                 prepare_file(folder / "olist_order_items_dataset.csv")])
        assert not [c for c in both.needs_confirmation if "shipping_limit_date" in c.question]
    finally:
        ws.close()
