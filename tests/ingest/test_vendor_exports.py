"""The vendor export corpus (tests/ingest/vendor_exports/, see COLUMNS.md): every file loads with no manual mapping,
as the right kind, with the right money. Each expected figure is computed here from the file with pandas, apart
from the loader, following the vendor's documented meaning of its columns (COLUMNS.md).

Shopify orders and the Mailchimp/Klaviyo consent columns belong to other work: only their kinds are asserted."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from insights.cli import main
from insights.core.workspace import Workspace
from insights.ingest import ingest_files, prepare_file

CORPUS = Path(__file__).parent / "vendor_exports"

KINDS = {
    "shopify_orders.csv": "transactions", "shopify_customers.csv": "customers",
    "woocommerce_analytics_orders.csv": "transactions", "woocommerce_order_export_plugin.csv": "transactions",
    "square_transactions.csv": "transactions", "square_items.csv": "transactions",
    "etsy_sold_orders.csv": "transactions", "etsy_sold_order_items.csv": "transactions",
    "stripe_unified_payments.csv": "transactions", "lightspeed_vend_sales_history.csv": "transactions",
    "mailchimp_subscribed_members_export.csv": "customers", "mailchimp_unsubscribed_members_export.csv": "customers",
    "mailchimp_cleaned_members_export.csv": "customers", "klaviyo_profiles.csv": "customers",
    "ga4_bigquery_events_flat.csv": "events", "matomo_visits_log.csv": "events",
    "typeform_nps_responses.csv": "feedback", "surveymonkey_nps_single_header.csv": "feedback",
    "surveymonkey_nps_tworow_header.csv": "feedback", "trustpilot_reviews.csv": "feedback",
}


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(CORPUS / name, dtype=str, keep_default_na=False)


def _money(text: str) -> Decimal:
    """'$1,240.00' → 1240.00, '-$10.00' → -10.00, '' → 0 (written out here, not the loader's parser)."""
    text = text.strip().replace("$", "").replace(",", "")
    return Decimal(text) if text else Decimal(0)


def _total(values) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


class Loads(dict):
    """The loads of the corpus: ``loads[name]`` is (report, workspace) and raises what the load raised."""

    def __getitem__(self, key):
        report, ws = super().__getitem__(key)
        if isinstance(report, Exception):
            raise report
        return report, ws


@pytest.fixture(scope="module")
def loaded():
    """name (or 'a+b' for a pair) -> (report of the file(s), workspace); each load in its own workspace."""
    out, opened = {}, []
    loads = [[name] for name in KINDS] + [["square_transactions.csv", "square_items.csv"],
                                          ["etsy_sold_orders.csv", "etsy_sold_order_items.csv"]]
    for names in loads:
        key = "+".join(names)
        ws = Workspace.in_memory()
        opened.append(ws)
        try:
            out[key] = (ingest_files(ws, [CORPUS / n for n in names]), ws)
        except Exception as err:     # kept for the tests of this file; the others still run
            out[key] = (err, ws)
    yield Loads(out)
    for ws in opened:
        ws.close()


def _lines(ws) -> pd.DataFrame:
    return ws.con.execute("select * from order_lines order by source_file, source_row").df()


def _revenue(ws) -> Decimal:
    return Decimal(ws.con.execute("select coalesce(sum(revenue), 0) from order_lines").fetchone()[0])


def _customers_with_orders(ws) -> int:
    return ws.con.execute("select count(distinct customer_id) from order_lines").fetchone()[0]


def _reconciles(f) -> None:
    assert f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside
    assert f.revenue_read == (f.revenue_loaded + f.revenue_set_aside + f.revenue_rejected
                              + f.revenue_excluded_by_status + getattr(f, "revenue_refunded", 0))


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_file_alone_has_its_kind_and_every_row_accounted(loaded, name):
    report, _ = loaded[name]
    f = report.files[0]
    assert f.kind == KINDS[name]
    _reconciles(f)
    if name != "shopify_orders.csv":           # the Shopify orders export is other work
        assert f.rows_rejected == 0, f.rejected_by_reason
        assert f.rows_loaded > 0


def test_every_vendor_file_is_recognised_with_no_manual_mapping():
    """The vendor layouts with row rules are named as such; the rest map their key fields by name."""
    profiles = {n: prepare_file(CORPUS / n).profile for n in KINDS}
    for name in ("square_items.csv", "square_transactions.csv", "etsy_sold_orders.csv", "etsy_sold_order_items.csv",
                 "stripe_unified_payments.csv", "lightspeed_vend_sales_history.csv",
                 "woocommerce_analytics_orders.csv", "woocommerce_order_export_plugin.csv",
                 "ga4_bigquery_events_flat.csv"):
        assert profiles[name], name


def test_woocommerce_analytics_names_are_not_customer_ids(loaded):
    report, ws = loaded["woocommerce_analytics_orders.csv"]
    f = report.files[0]
    frame = _csv("woocommerce_analytics_orders.csv")
    assert "customer_id" not in f.mapping                       # `Customer` is a person's name
    assert f.mapping["product_name"] == "Product(s)" and f.mapping["quantity"] == "Items sold"
    # a refund is its own negative row: the sale stays, the refund row takes it back (order 2309 nets to 0)
    assert _revenue(ws) == _total(frame["Net sales"])
    lines = _lines(ws)
    assert lines["customer_id"].isna().all()
    assert Decimal(str(lines.loc[lines["order_id"] == "2309", "revenue"].sum())) == 0
    assert int(lines["quantity"].sum()) == sum(int(q) for q in frame["Items sold"])


def test_woocommerce_order_export_loads_item_cost_lines(loaded):
    report, ws = loaded["woocommerce_order_export_plugin.csv"]
    f = report.files[0]
    frame = _csv("woocommerce_order_export_plugin.csv")
    assert f.mapping["unit_price"] == "Item Cost" and f.mapping["email"] == "Email (Billing)"
    assert "line_total" not in f.mapping                        # `Order Total Amount` repeats on each line
    sold = frame[~frame["Order Status"].isin(["refunded", "cancelled"])]
    expected = sum((Decimal(q) * Decimal(p) for q, p in zip(sold["Quantity"], sold["Item Cost"])), Decimal(0))
    assert _revenue(ws) == expected
    assert f.rows_loaded == len(frame)
    assert _customers_with_orders(ws) == frame["Email (Billing)"].nunique()


def test_woocommerce_export_without_a_price_says_so_in_json(tmp_path, capsys):
    frame = _csv("woocommerce_order_export_plugin.csv").drop(columns=["Item Cost"])
    path = tmp_path / "no_price.csv"
    frame.to_csv(path, index=False)
    assert main(["ingest", str(path), "--workspace", str(tmp_path / "ws"), "--json"]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["error"]["file"] == "no_price.csv" and "Unit price" in out["error"]["column"]
    assert out["error"]["message"].startswith("Nothing was loaded")
    assert captured.err == ""


def test_square_items_have_their_time_of_day(loaded):
    report, ws = loaded["square_items.csv"]
    frame = _csv("square_items.csv")
    lines = _lines(ws)
    expected = pd.to_datetime(frame["Date"] + " " + frame["Time"])
    assert sorted(lines["ordered_at"]) == sorted(expected)
    assert _revenue(ws) == sum((_money(v) for v in frame["Net Sales"]), Decimal(0))
    refunds = lines[lines["status"] == "Refund"]
    assert len(refunds) == (frame["Event Type"] == "Refund").sum() and refunds["is_return"].all()
    assert _customers_with_orders(ws) == frame.loc[frame["Customer ID"] != "", "Customer ID"].nunique()
    assert any("Pacific Time" in n for n in report.files[0].notes)


def test_square_transactions_alone_and_with_their_items(loaded):
    items = _csv("square_items.csv")
    payments = _csv("square_transactions.csv")
    report, ws = loaded["square_transactions.csv"]
    assert _revenue(ws) == sum((_money(v) for v in payments["Net Sales"]), Decimal(0))
    assert sorted(_lines(ws)["ordered_at"]) == sorted(pd.to_datetime(payments["Date"] + " " + payments["Time"]))
    report, ws = loaded["square_transactions.csv+square_items.csv"]
    by_name = {f.name: f for f in report.files}
    assert by_name["square_transactions.csv"].role == "orders"
    assert by_name["square_items.csv"].rows_loaded == len(items)
    assert by_name["square_transactions.csv"].rows_loaded + by_name["square_transactions.csv"].rows_set_aside \
        == len(payments)
    # every sale once: the item lines' money, not the payments' money on top
    assert _revenue(ws) == sum((_money(v) for v in items["Net Sales"]), Decimal(0))
    assert len(_lines(ws)) == len(items)


def _etsy_orders_net(orders: pd.DataFrame) -> Decimal:
    """Order Value of every order not cancelled, less what a refund took off (Order Total − Adjusted Order Total
    where an adjusted total is written), at most the order's value."""
    net = Decimal(0)
    for _, row in orders.iterrows():
        if row["Status"].lower().startswith("cancel"):
            continue
        value, adjusted = Decimal(row["Order Value"]), Decimal(row["Adjusted Order Total"] or 0)
        refund = Decimal(row["Order Total"]) - adjusted if adjusted else Decimal(0)
        net += value - min(max(refund, Decimal(0)), value)
    return net


def test_etsy_orders_alone_and_with_their_items(loaded):
    orders, items = _csv("etsy_sold_orders.csv"), _csv("etsy_sold_order_items.csv")
    report, ws = loaded["etsy_sold_orders.csv"]
    f = report.files[0]
    assert f.role == "lines" and f.mapping["line_total"] == "Order Value" and f.mapping["country"] == "Ship Country"
    assert _revenue(ws) == _etsy_orders_net(orders)
    assert f.revenue_refunded == Decimal("24.50")             # order 3190038885, partly refunded
    report, ws = loaded["etsy_sold_order_items.csv"]
    assert report.files[0].mapping["country"] == "Ship Country"
    assert _revenue(ws) == sum((Decimal(q) * Decimal(p) for q, p in zip(items["Quantity"], items["Price"])),
                               Decimal(0))
    report, ws = loaded["etsy_sold_orders.csv+etsy_sold_order_items.csv"]
    by_name = {f.name: f for f in report.files}
    assert by_name["etsy_sold_orders.csv"].role == "orders"
    assert by_name["etsy_sold_orders.csv"].rows_loaded == len(orders)
    cancelled = set(orders.loc[orders["Status"].str.lower().str.startswith("cancel"), "Order ID"])
    kept = items[~items["Order ID"].isin(cancelled)]
    # the partial refund the orders file writes is taken off that order's item lines: alone or paired, one figure
    assert by_name["etsy_sold_order_items.csv"].revenue_refunded == Decimal("24.50")
    assert _revenue(ws) == sum((Decimal(q) * Decimal(p) for q, p in zip(kept["Quantity"], kept["Price"])),
                               Decimal(0)) - Decimal("24.50") == _etsy_orders_net(orders)
    lines = _lines(ws)
    assert (lines["country"] != "").all() and lines["customer_id"].notna().all()


def test_stripe_failed_charges_are_no_sale_and_refunds_are_taken_off(loaded):
    report, ws = loaded["stripe_unified_payments.csv"]
    f = report.files[0]
    frame = _csv("stripe_unified_payments.csv")
    failed = frame["Status"].str.lower().isin(["failed"])
    assert f.rows_set_aside == failed.sum() and f.rows_loaded == len(frame) - failed.sum()
    taken = frame[~failed & (frame["Status"].str.lower() != "refunded")]
    expected = _total(taken["Amount"]) - _total(taken["Amount Refunded"])
    assert _revenue(ws) == expected
    assert f.revenue_refunded == _total(taken["Amount Refunded"]) > 0
    assert f.revenue_set_aside == _total(frame.loc[failed, "Amount"])


def test_vend_sale_is_counted_once_from_its_item_rows(loaded):
    report, ws = loaded["lightspeed_vend_sales_history.csv"]
    f = report.files[0]
    frame = _csv("lightspeed_vend_sales_history.csv")
    sales = frame[frame["Line Type"] == "Sale"].set_index("Receipt Number")
    items = frame[frame["Line Type"] == "Sale Line"]
    status = items["Receipt Number"].map(sales["Status"])
    assert f.rows_loaded == len(items) and f.rows_set_aside == len(frame) - len(items)
    assert _revenue(ws) == _total(items.loc[status != "VOIDED", "Total"])
    assert f.revenue_excluded_by_status == _total(items.loc[status == "VOIDED", "Total"])
    assert f.mapping["customer_id"] == "Customer Code"       # `User` is the staff member
    lines = _lines(ws)
    codes = items["Receipt Number"].map(sales["Customer Code"])
    assert set(lines["source_customer_id"].dropna()) == set(codes[codes != "WALKIN"])
    assert not lines["source_customer_id"].isin(frame["User"]).any()


def test_shopify_customers_phone_city_country_and_clean_ids(loaded):
    report, ws = loaded["shopify_customers.csv"]
    f = report.files[0]
    frame = _csv("shopify_customers.csv")
    assert f.mapping["city"] == "Default Address City" and f.mapping["country"] == "Default Address Country Code"
    records = ws.con.execute("select * from customer_records order by source_row").df()
    assert list(records["source_customer_id"]) == [i.lstrip("'") for i in frame["Customer ID"]]
    has_phone = (frame["Phone"] != "") | (frame["Default Address Phone"] != "")
    assert records["phone"].notna().sum() == has_phone.sum()
    assert records["phone"].dropna().str.startswith("+").all()
    assert list(records["city"]) == list(frame["Default Address City"])


def test_ga4_sessions_and_traffic_source(loaded):
    report, ws = loaded["ga4_bigquery_events_flat.csv"]
    frame = _csv("ga4_bigquery_events_flat.csv")
    events = ws.con.execute("select * from events order by source_row").df()
    assert len(events) == len(frame)
    assert list(events["session_id"]) == list(frame["user_pseudo_id"] + "." + frame["ga_session_id"])
    assert list(events["channel"].fillna("")) == list(frame["traffic_source_medium"])
    assert events["event_at"].dt.strftime("%Y%m%d").tolist() == frame["event_date"].tolist()


@pytest.mark.parametrize("name, fields", [
    ("typeform_nps_responses.csv", ("score", "text", "submitted_at", "email")),
    ("surveymonkey_nps_single_header.csv", ("score", "text", "submitted_at")),
    ("surveymonkey_nps_tworow_header.csv", ("score", "text", "submitted_at")),
    ("trustpilot_reviews.csv", ("score", "text", "submitted_at", "order_id")),
])
def test_surveys_and_reviews_load_as_feedback(loaded, name, fields):
    report, ws = loaded[name]
    f = report.files[0]
    assert all(fld in f.mapping for fld in fields)
    assert ws.con.execute("select count(*) from feedback").fetchone()[0] == f.rows_loaded > 0


def test_matomo_visits_are_events(loaded):
    report, ws = loaded["matomo_visits_log.csv"]
    assert report.files[0].mapping["session_id"] == "idVisit"
    assert ws.con.execute("select count(*) from events").fetchone()[0] == len(_csv("matomo_visits_log.csv"))


def test_stripe_payments_not_completed_are_set_aside_whatever_the_status_spelling(tmp_path, tmp_workspace):
    """Payment intents that never took money (requires_payment_method, incomplete, canceled) are no sale."""
    frame = _csv("stripe_unified_payments.csv").head(6).copy()
    frame["Amount Refunded"] = "0.00"
    frame["Status"] = ["requires_payment_method", "incomplete", "Canceled", "succeeded", "Paid", "failed"]
    path = tmp_path / "unified_payments.csv"
    frame.to_csv(path, index=False)
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert f.rows_set_aside == 4 and f.rows_loaded == 2
    assert _revenue(tmp_workspace) == _total(frame["Amount"].iloc[3:5])
    _reconciles(f)


def test_square_us_dates_and_twelve_hour_times(tmp_path, tmp_workspace):
    """Some Square accounts write `8/22/2026` and `2:30:00 PM`: one timestamp all the same."""
    frame = _csv("square_items.csv").head(5).copy()
    stamps = pd.to_datetime(frame["Date"] + " " + frame["Time"])
    frame["Date"] = [f"{t.month}/{t.day}/{t.year}" for t in stamps]
    frame["Time"] = [t.strftime("%I:%M:%S %p").lstrip("0") for t in stamps]
    path = tmp_path / "items-2024-03-01-2024-03-31.csv"
    frame.to_csv(path, index=False)
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert f.rows_loaded == 5
    assert sorted(_lines(tmp_workspace)["ordered_at"]) == sorted(stamps)


def test_ga4_event_date_dates_an_event_without_timestamp(tmp_path, tmp_workspace):
    frame = _csv("ga4_bigquery_events_flat.csv").head(4).copy()
    frame.loc[1, "event_timestamp"] = ""
    path = tmp_path / "events.csv"
    frame.to_csv(path, index=False)
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert f.rows_loaded == 4 and f.rows_rejected == 0
    dated = tmp_workspace.con.execute("select event_at from events where source_row = 3").fetchone()[0]
    assert dated.strftime("%Y%m%d") == frame.loc[1, "event_date"]
