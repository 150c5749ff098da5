"""Gross margin (issue 23, "Margin"): from a catalog's unit costs, from a margin % per category, from the owner's
default margin — each hand-checked on a small shop — and "revenue-based" wherever margin would appear when no
cost is known. Gross-margin CLV, contribution per segment and the segment builder's margin filter."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from insights.cli import main
from insights.core import margin
from insights.core.workspace import Workspace
from insights.customers import segment_builder
from insights.ingest import ingest_files

CORPUS = Path(__file__).resolve().parents[1] / "ingest" / "vendor_exports"
ORDERS = ("Order ID,Order Date,Customer ID,SKU,Category,Quantity,Unit price,Currency\n"
          "A1,2024-03-01,C1,MM-MON-6,,1,24.00,USD\n"          # cost 8.40: margin 15.60
          "A1,2024-03-01,C1,MM-POT-10,,2,9.50,USD\n"          # cost 2 × 3.15 = 6.30: margin 12.70
          "A2,2024-03-05,C2,MM-SOIL-5,,1,12.00,USD\n"         # cost 4.60: margin 7.40
          "A3,2024-03-09,C3,UNKNOWN-1,Houseplants,1,5.00,USD\n"  # no cost; category Houseplants
          "A4,2024-03-12,C3,UNKNOWN-2,,1,10.00,USD\n")        # nothing known


@pytest.fixture
def orders(tmp_path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    return path


def _shop(*paths) -> Workspace:
    ws = Workspace.in_memory("margin")
    ingest_files(ws, list(paths))
    return ws


def test_margin_from_unit_costs_by_line_order_and_customer(orders):
    ws = _shop(orders, CORPUS / "plain_catalog_sheet.csv")
    lines = margin.line_margins(ws).set_index("line_id")
    assert lines["cost"].astype(float).round(2).tolist()[:3] == [8.40, 6.30, 4.60]
    assert set(lines["basis"].iloc[:3]) == {"unit cost"} and lines["cost"].iloc[3:].isna().all()
    by_order = margin.order_margins(ws).set_index("order_id")
    assert float(by_order.loc["A1", "gross_margin"]) == pytest.approx(28.30)     # 15.60 + 12.70
    customers = margin.customer_margins(ws).set_index("customer_id")
    assert customers.loc["C1", "gross_margin"] == pytest.approx(28.30)
    assert customers.loc["C1", "margin_share"] == pytest.approx(28.30 / 43.00)
    assert pd.isna(customers.loc["C3", "margin_share"])          # none of C3's lines has a cost
    basis = margin.margin_basis(ws)
    assert basis.label == "unit cost" and basis.costed_share == pytest.approx(55 / 70)
    assert "product unit costs (79% of product revenue)" in basis.caption()
    assert "21% has no known cost" in basis.caption()


def test_margin_per_category(orders):
    ws = _shop(orders, CORPUS / "plain_catalog_sheet.csv", CORPUS / "category_margins.csv")
    lines = margin.line_margins(ws).set_index("order_id")
    # A3: a Houseplants line without a unit cost: 5.00 × (1 − 55%) = 2.25
    assert float(lines.loc["A3", "cost"]) == pytest.approx(2.25) and lines.loc["A3", "basis"] == "category margin"
    # a unit cost wins over the category's margin
    assert lines.loc["A2", "basis"] == "unit cost"
    assert margin.margin_basis(ws).label == "mixed"


def test_default_margin_covers_the_rest_and_changes_no_data(orders):
    ws = _shop(orders, CORPUS / "plain_catalog_sheet.csv")
    version = ws.content_hash()
    margin.set_default_margin(ws, "40%")
    assert margin.default_margin(ws) == 40 and ws.content_hash() == version
    customers = margin.customer_margins(ws).set_index("customer_id")
    assert customers.loc["C3", "gross_margin"] == pytest.approx(0.40 * 15.00)
    got = margin.period_margin(ws, dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    assert got["gross_margin"] == pytest.approx(28.30 + 7.40 + 6.00)
    assert got["margin_pct"] == pytest.approx(100 * 41.70 / 70.00)
    assert "the default margin of 40%" in got["caption"]
    with pytest.raises(ValueError):
        margin.set_default_margin(ws, 100)
    margin.set_default_margin(ws, "")
    assert margin.default_margin(ws) is None


def test_without_any_cost_data_margin_is_revenue_based(orders):
    ws = _shop(orders)
    basis = margin.margin_basis(ws)
    assert basis.revenue_based and basis.label == margin.REVENUE_BASED == "revenue-based"
    assert basis.caption().startswith("Margin: revenue-based")
    got = margin.period_margin(ws, dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    assert got["gross_margin"] is None and got["margin_pct"] is None and got["product_revenue"] == 70.0
    clv = pd.DataFrame({"customer_id": ["C1", "C2"], "clv": [100.0, 50.0], "clv_low": [80.0, 30.0],
                        "clv_high": [130.0, 70.0]})
    gm = margin.gross_margin_clv(ws, clv)
    assert set(gm["margin_source"]) == {"revenue-based"} and gm["gm_clv"].isna().all()


def test_gross_margin_clv_is_the_predicted_value_times_the_margin_share(orders):
    ws = _shop(orders, CORPUS / "plain_catalog_sheet.csv")
    clv = pd.DataFrame({"customer_id": ["C1", "C3"], "clv": [100.0, 40.0], "clv_low": [80.0, 20.0],
                        "clv_high": [130.0, 60.0]})
    gm = margin.gross_margin_clv(ws, clv).set_index("customer_id")
    assert gm.loc["C1", "gm_clv"] == pytest.approx(100 * 28.30 / 43.00)
    assert gm.loc["C1", "gm_clv_high"] == pytest.approx(130 * 28.30 / 43.00)
    shop_share = (28.30 + 7.40) / 55.00          # C3 has no costed line: the shop's share
    assert gm.loc["C3", "margin_source"] == "shop" and gm.loc["C3", "gm_clv"] == pytest.approx(40 * shop_share)
    assert margin.gross_margin_clv(ws) is None     # no CLV has been fitted on this shop


def test_contribution_per_segment_adds_up(orders):
    ws = _shop(orders, CORPUS / "plain_catalog_sheet.csv")
    frame = margin.contribution_by_segment(ws, pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
                                                             "segment": ["Champions", "Champions", "New"]}))
    by = frame.set_index("segment")
    assert by.loc["Champions", "gross_margin"] == pytest.approx(35.70)
    assert by.loc["Champions", "customers"] == 2 and pd.isna(by.loc["New", "gross_margin"])
    assert by["share_of_gross_margin"].sum() == pytest.approx(1.0)


def test_segment_builder_finds_high_revenue_low_margin_customers(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer ID,SKU,Quantity,Unit price\n"
                    "B1,2024-03-01,BIG-LOW,MM-SOIL-5,10,5.00\n"     # 50.00 spent, cost 46.00: 8%
                    "B2,2024-03-02,BIG-HIGH,MM-MON-6,2,25.00\n"     # 50.00 spent, cost 16.80: 66.4%
                    "B3,2024-03-03,SMALL-LOW,MM-SOIL-5,1,5.00\n")   # 5.00 spent: 8%
    ws = _shop(path, CORPUS / "plain_catalog_sheet.csv")
    labels = pd.DataFrame({"customer_id": ["BIG-LOW", "BIG-HIGH", "SMALL-LOW"], "rfm_segment": None,
                           "lifecycle_stage": None, "recency_days": 1})
    spec = segment_builder.spec_from_choices({"net_revenue": (40, None), "margin_pct": (None, 20)})
    chosen = segment_builder.select_customers(ws, spec, labels)
    assert chosen["customer_id"].tolist() == ["BIG-LOW"]
    assert chosen["margin_pct"].iloc[0] == pytest.approx(8.0)
    assert "Gross margin % of spend" in segment_builder.describe_spec(spec)


def test_settings_command_sets_the_default_margin(tmp_path, orders, capsys):
    root = tmp_path / "ws"
    ws = Workspace.create("Margin CLI", root=root)
    ingest_files(ws, [orders])
    path = ws.path
    ws.close()
    assert main(["settings", "--workspace", str(path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["margin"]
    assert shown["basis"] == "revenue-based" and shown["default_pct"] is None
    assert main(["settings", "--workspace", str(path), "--default-margin", "35", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["margin"]
    assert shown["default_pct"] == 35.0 and shown["basis"] == "default margin" and shown["costed_share"] == 1.0
