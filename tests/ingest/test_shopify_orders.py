"""The Shopify orders export read as Shopify writes it, and its reconciliation in Shopify's own terms."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from insights.cli import main
from insights.ingest import ingest_files
from tests.ingest.shopify_export import SALES_REPORT, write_export

CORPUS = Path(__file__).parent / "vendor_exports" / "shopify_orders.csv"


def test_lines_take_the_order_fields_of_their_first_line(tmp_workspace, tmp_path):
    report = ingest_files(tmp_workspace, [write_export(tmp_path)])
    file = report.files[0]
    assert (file.rows_loaded, file.rows_rejected) == (4, 0)
    assert file.mapping["order_id"] == "Name" and "line_total" not in file.mapping
    lines = tmp_workspace.con.execute(
        "select order_id, product_id, quantity * unit_price, revenue, currency, ordered_at, status "
        "from order_lines order by source_row").fetchall()
    # the second line of #2001 carries no date or currency in the file: it takes its order's
    assert lines[1] == ("#2001", "SPOON", Decimal("5.0000"), Decimal("5.0000"), "USD",
                        dt.datetime(2024, 3, 5, 14, 2, 11), "paid")
    # the amount is price x quantity, never the order's Total
    assert lines[0][3] == Decimal("20.0000")
    # a partial refund does not zero the line; a full refund does
    assert lines[2][3] == Decimal("30.0000") and lines[3][3] == 0


def test_the_reconciliation_equals_shopifys_sales_report_by_hand(tmp_workspace, tmp_path):
    report = ingest_files(tmp_workspace, [write_export(tmp_path)])
    rec = report.files[0].reconciliation
    assert rec["lines"] == pytest.approx(SALES_REPORT, abs=0.001)
    assert rec["orders"] == 3 and rec["currency"] == "USD"
    parts = tmp_workspace.con.execute(
        "select order_id, gross_sales, discounts, returns, shipping_returned, taxes_returned, is_cancelled, "
        "ordered_at_utc from order_money order by order_id").fetchall()
    assert [p[:7] for p in parts] == [
        ("#2001", Decimal("25.0000"), Decimal("2.5000"), Decimal("0.0000"), Decimal("0.0000"), Decimal("0.0000"), False),
        ("#2002", Decimal("30.0000"), Decimal("0.0000"), Decimal("10.0000"), Decimal("0.0000"), Decimal("0.8000"), False),
        ("#2003", Decimal("12.0000"), Decimal("0.0000"), Decimal("12.0000"), Decimal("3.0000"), Decimal("0.9600"), True)]
    assert parts[1][7] == dt.datetime(2024, 4, 1, 0, 30)     # in UTC


def test_the_corpus_export_loads_every_line_with_its_order_number(tmp_workspace):
    report = ingest_files(tmp_workspace, [CORPUS])
    file = report.files[0]
    assert (file.rows_read, file.rows_loaded, file.rows_rejected) == (43, 43, 0)
    con = tmp_workspace.con
    assert con.execute("select count(distinct order_id), count(*) filter (where currency is null) "
                       "from order_lines").fetchone() == (26, 0)
    # #1002: three lines, 59.00 + 21.50 + 11.50, not three times the order's Total
    assert con.execute("select sum(revenue) from order_lines where order_id = '#1002'").fetchone()[0] == 92
    rec = file.reconciliation
    totals = con.execute("select sum(total) from order_money").fetchone()[0]
    given_back = con.execute("select sum(returns + shipping_returned + taxes_returned) from order_money").fetchone()[0]
    assert rec["lines"]["total_sales"] == pytest.approx(float(totals - given_back), abs=0.001)
    assert rec["lines"]["net_sales"] == pytest.approx(
        rec["lines"]["gross_sales"] + rec["lines"]["discounts"] + rec["lines"]["returns"], abs=0.001)


def test_ingest_json_carries_the_reconciliation(tmp_path, capsys):
    assert main(["ingest", str(write_export(tmp_path)), "--workspace", str(tmp_path / "ws"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["reconciliation"]["lines"]["total_sales"] == pytest.approx(49.90)
