"""Revenue's definition is a workspace setting: each part changes the KPI figures as stated, and it round-trips
through the command line. The shop: tests/ingest/shopify_export.py (figures worked out by hand there)."""

from __future__ import annotations

import json

import pytest

from insights.cli import main
from insights.ingest import ingest_files
from insights.performance import kpis
from tests.ingest.shopify_export import write_export
from tests.helpers import workspace_from_tables
from tests.performance.test_kpis import LINES


@pytest.fixture
def shop(tmp_workspace, tmp_path):
    ingest_files(tmp_workspace, [write_export(tmp_path)])
    return tmp_workspace


def monthly(ws) -> dict[str, tuple[float, int]]:
    table = kpis.kpi_table(ws, "month")
    return {str(p)[:7]: (round(float(r), 2), int(o)) for p, r, o in
            zip(table["period"], table["net_revenue"], table["orders"])}


def test_default_is_net_sales_without_tax_or_shipping_refunds_on_the_order_date(shop):
    # March: #2001 22.50 + #2002 (30.00 - 10.00) + #2003 (12.00 - 12.00); 3 ids, #2003 is an order too
    assert monthly(shop) == {"2024-03": (42.50, 3)}
    assert kpis.revenue_caption(kpis.revenue_definition(shop), True) == (
        "Revenue: net of discounts, excl. tax and shipping, refunds on the order date.")


def test_tax_and_shipping_add_what_they_say(shop):
    kpis.set_revenue_definition(shop, tax="include")
    assert monthly(shop)["2024-03"][0] == 45.90          # + taxes 5.16 - taxes refunded 1.76
    kpis.set_revenue_definition(shop, tax="exclude", shipping="include")
    assert monthly(shop)["2024-03"][0] == 46.50          # + shipping 7.00 - shipping refunded 3.00
    kpis.set_revenue_definition(shop, tax="include")
    assert monthly(shop)["2024-03"][0] == 49.90          # Shopify's total sales


def test_refunds_on_the_refund_date_move_the_cancellation_to_april(shop):
    kpis.set_revenue_definition(shop, refunds="refund_date")
    # #2003 sold in March (12.00), cancelled on 2 April (-12.00); #2002's refund has no date: its order's
    assert monthly(shop) == {"2024-03": (54.50, 3), "2024-04": (-12.00, 0)}


def test_the_shop_time_zone_moves_an_evening_order_to_the_next_day(shop):
    kpis.set_revenue_definition(shop, timezone="Europe/Amsterdam")
    # #2002, 20:30 on 31 March in New York, is 02:30 on 1 April in Amsterdam
    assert monthly(shop) == {"2024-03": (22.50, 2), "2024-04": (20.00, 1)}
    with pytest.raises(ValueError, match="time zone"):
        kpis.set_revenue_definition(shop, timezone="Mars/Olympus")


def test_a_left_out_status_removes_its_orders(shop):
    kpis.set_revenue_definition(shop, excluded_statuses=["partially_refunded"])
    assert monthly(shop) == {"2024-03": (22.50, 2)}


def test_the_setting_round_trips_through_the_command_line(shop, capsys):
    folder = str(shop.path)
    shop.close()
    assert main(["settings", "--workspace", folder, "--revenue-tax", "include", "--revenue-shipping", "include",
                 "--exclude-statuses", "pending", "--json"]) == 0
    capsys.readouterr()
    assert main(["settings", "--workspace", folder, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["revenue"] == {"tax": "include", "shipping": "include", "refunds": "order_date",
                                "excluded_statuses": ["pending"], "timezone": None}
    assert shown["caption"].startswith("Revenue: net of discounts, incl. tax and shipping")
    assert main(["kpis", "--workspace", folder, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["net_revenue"] == pytest.approx(49.90)
    with pytest.raises(SystemExit, match="time zone"):
        main(["settings", "--workspace", folder, "--timezone", "Nowhere/Atlantis"])


def test_plain_order_lines_say_tax_and_shipping_do_not_apply():
    ws = workspace_from_tables(order_lines=LINES)
    try:
        before = monthly(ws)
        kpis.set_revenue_definition(ws, tax="include", shipping="include")
        assert monthly(ws) == before
        assert "do not apply" in kpis.revenue_caption(kpis.revenue_definition(ws), kpis.has_money_parts(ws))
    finally:
        ws.close()
