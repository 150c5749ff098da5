"""Order and line attributes (issue 10 item 4): a late-delivery flag, free-text tags, discount codes, shipping
methods and later dates are kept in ``order_attributes``, reported per file, and a column named for a later step
of the order never dates it while another date exists."""

from __future__ import annotations

import json

from insights.cli import main as cli_main
from insights.ingest import prepare_file
from insights.ingest.load.batch import load_prepared
from insights.ingest.mapping.date_roles import date_role

# a small shop's order export: several lines per order, the order's flags and tags repeated on each line
SHOP = """Order ID,Order Date,Customer ID,Product,Quantity,Unit Price,Discount Code,Shipping Method,late_delivery,Tags,Fulfilled At,Warehouse Bin
1001,2024-01-05,C1,Mug,2,9.50,WELCOME10,Standard,false,"promo, newsletter-code",2024-01-07,B-12
1001,2024-01-05,C1,Tea,1,4.00,WELCOME10,Standard,false,"promo, newsletter-code",2024-01-07,B-14
1002,2024-02-10,C2,Pot,1,30.00,,Express,true,late delivery,2024-02-20,B-3
1003,2024-03-01,C1,Mug,1,9.50,,Standard,yes,"Late Delivery; VIP",2024-03-09,B-12
1004,2024-03-02,C3,Tea,3,4.00,,Pickup,no,,,B-1
"""

# the same shop's lines without an order date: only when they were shipped and the shipping deadline
SHIPPED_ONLY = """Order ID,Product,Quantity,Unit Price,Ship By,Shipped Date
A1,Mug,1,9.50,2024-01-09,2024-01-08
A2,Tea,2,4.00,2024-01-12,2024-01-11
"""

# a file whose order date sits right of a later-step date: the order date still dates the orders
TWO_DATES = """Order ID,Estimated Delivery,Purchased,Product,Quantity,Unit Price
A1,2024-01-20,2024-01-05,Mug,1,9.50
A2,2024-02-20,2024-02-05,Tea,2,4.00
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_date_roles_by_header():
    assert date_role("order_purchase_timestamp") is None and date_role("Order Date") is None
    assert date_role("Created at") is None and date_role("InvoiceDate") is None
    assert date_role("shipping_limit_date") == "ship_by"
    assert date_role("order_delivered_carrier_date") == "shipped_at"
    assert date_role("order_delivered_customer_date") == "delivered_at"
    assert date_role("order_estimated_delivery_date") == "promised_at"
    assert date_role("order_approved_at") == "approved_at"
    assert date_role("Due Date") == "promised_at" and date_role("Fulfilled At") == "shipped_at"


def test_flags_tags_codes_methods_and_later_dates_are_kept(tmp_path, tmp_workspace):
    plan = prepare_file(_write(tmp_path, "orders.csv", SHOP))
    report = load_prepared(tmp_workspace, [plan])
    f = report.files[0]
    assert f.rows_loaded == 5 and f.order_date_column == "Order Date"
    assert f.attributes == ["Discount Code", "Shipping Method", "late_delivery", "Tags", "Fulfilled At"]
    con = tmp_workspace.con
    rows = con.execute("""select l.order_id, l.product_name, a.name, a.value from order_attributes a
                          join order_lines l on l.line_id = a.line_id order by a.line_id, a.name, a.value""").fetchall()
    by_line = {}
    for order_id, product, name, value in rows:
        by_line.setdefault((order_id, product), []).append((name, value))
    assert by_line[("1001", "Mug")] == [("discount_code", "WELCOME10"), ("late_delivery", "false"),
                                        ("shipped_at", "2024-01-07 00:00:00"), ("shipping_method", "Standard"),
                                        ("tag", "newsletter-code"), ("tag", "promo")]
    assert ("tag", "vip") in by_line[("1003", "Mug")] and ("late_delivery", "true") in by_line[("1003", "Mug")]
    assert by_line[("1004", "Tea")] == [("late_delivery", "false"), ("shipping_method", "Pickup")]
    # the bin code is neither a flag, a tag, a code nor a method: not kept
    assert con.execute("select count(*) from order_attributes where source_column = 'Warehouse Bin'").fetchone()[0] == 0
    # every attribute row points at a loaded line of its own order
    assert con.execute("""select count(*) from order_attributes a left join order_lines l on l.line_id = a.line_id
                          where l.order_id is distinct from a.order_id""").fetchone()[0] == 0
    flagged = con.execute("select order_id from order_late_flags where flagged_late order by 1").fetchall()
    assert [r[0] for r in flagged] == ["1002", "1003"]


def test_a_later_step_date_never_dates_the_orders_while_another_date_exists(tmp_path):
    plan = prepare_file(_write(tmp_path, "two_dates.csv", TWO_DATES))
    assert plan.columns[plan.mapping["ordered_at"]] == "Purchased"
    assert plan.needs_confirmation == []


def test_only_later_step_dates_ask_the_owner(tmp_path, tmp_workspace):
    plan = prepare_file(_write(tmp_path, "shipped.csv", SHIPPED_ONLY))
    assert plan.columns[plan.mapping["ordered_at"]] in ("Ship By", "Shipped Date")
    assert plan.needs_confirmation and "not the day it was placed" in plan.needs_confirmation[0]
    report = load_prepared(tmp_workspace, [plan])          # loaded as the owner left it: the report says so
    assert any("not the day it was placed" in n for n in report.files[0].notes)


def test_ingest_json_lists_the_attribute_columns(tmp_path, capsys):
    path = _write(tmp_path, "orders.csv", SHOP)
    code = cli_main(["ingest", "--workspace", str(tmp_path / "ws"), str(path), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["attributes"] == ["Discount Code", "Shipping Method", "late_delivery", "Tags",
                                             "Fulfilled At"]
    assert out["files"][0]["order_date_column"] == "Order Date"


def test_undo_removes_the_attributes(tmp_path, tmp_workspace):
    from insights.ingest.load.undo import undo_last_load
    load_prepared(tmp_workspace, [prepare_file(_write(tmp_path, "orders.csv", SHOP))])
    assert tmp_workspace.con.execute("select count(*) from order_attributes").fetchone()[0] > 0
    undo_last_load(tmp_workspace)
    assert tmp_workspace.con.execute("select count(*) from order_attributes").fetchone()[0] == 0


def test_shopify_orders_export_keeps_its_order_attributes_and_nothing_personal():
    """Shopify's orders export: tags, discount code, shipping and payment methods, fulfilment and cancellation
    dates are attributes; the shipping address, names, money columns (Shipping, Taxes, Discount Amount) are not."""
    from pathlib import Path
    from insights.ingest.load.attributes import attribute_columns
    plan = prepare_file(Path(__file__).parent / "vendor_exports" / "shopify_orders.csv")
    kept = {c.header: c.name for c in attribute_columns(plan)}
    assert kept["Tags"] == "tag" and kept["Discount Code"] == "discount_code"
    assert kept["Shipping Method"] == "shipping_method" and kept["Payment Method"] == "payment_method"
    assert kept["Fulfilled at"] == "shipped_at" and kept["Cancelled at"] == "cancelled_at"
    for header in plan.columns:
        if header.startswith(("Shipping ", "Billing ")) and "Method" not in header or header in (
                "Shipping", "Taxes", "Discount Amount", "Subtotal", "Total", "Refunded Amount", "Email", "Phone"):
            assert header not in kept, header
