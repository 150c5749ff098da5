"""The segment builder over order attributes: "customers whose last order was late" and "had an order tagged X"
(issue 10 item 4)."""

from __future__ import annotations

import pytest

from insights.customers import segment_builder as sb
from insights.ingest import prepare_file
from insights.ingest.load.batch import load_prepared
from tests.ingest.test_order_attributes import SHOP
from tests.helpers import workspace_from_tables


@pytest.fixture
def shop(tmp_path, tmp_workspace):
    path = tmp_path / "orders.csv"
    path.write_text(SHOP, encoding="utf-8")
    load_prepared(tmp_workspace, [prepare_file(path)])
    return tmp_workspace


def _ids(frame):
    return sorted(frame["customer_id"])


def test_customers_whose_last_order_was_late(shop):
    # C1's last order (1003) is flagged and tagged late, C2's only order (1002) too; C3's (1004) is not
    assert _ids(sb.select_customers(shop, [("last_order_late", "is", True)])) == ["C1", "C2"]
    assert _ids(sb.select_customers(shop, [("last_order_late", "is", False)])) == ["C3"]
    assert sb.describe_spec([("last_order_late", "is", True)]) == "Last order late is yes"


def test_customers_who_had_a_tag(shop):
    assert _ids(sb.select_customers(shop, [("tag", "in", ["VIP"])])) == ["C1"]
    assert _ids(sb.select_customers(shop, [("tag", "in", ["promo", "late delivery"])])) == ["C1", "C2"]
    assert _ids(sb.select_customers(shop, [("tag", "not_in", ["promo"])])) == ["C2", "C3"]
    assert sb.field_values(shop, "tag")[:2] == ["late delivery", "newsletter-code"]


def test_late_from_dates_when_no_flag_and_unknown_without_either():
    line = dict(quantity=1, unit_price="10")
    ws = workspace_from_tables(order_lines=[
        dict(line, order_id="A1", customer_id="ann", ordered_at="2024-01-01", promised_at="2024-01-04",
             delivered_at="2024-01-09"),
        dict(line, order_id="B1", customer_id="bob", ordered_at="2024-01-01", promised_at="2024-01-04",
             delivered_at="2024-01-03"),
        dict(line, order_id="C1", customer_id="cy", ordered_at="2024-01-01"),
    ])
    assert _ids(sb.select_customers(ws, [("last_order_late", "is", True)])) == ["ann"]
    assert _ids(sb.select_customers(ws, [("last_order_late", "is", None)])) == ["cy"]
    ws.close()
