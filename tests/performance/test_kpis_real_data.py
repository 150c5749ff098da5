"""UCI Online Retail: monthly KPIs equal an independent pandas reference; the revenue bridge adds up exactly."""

from __future__ import annotations

import pytest

from insights.performance import kpis
from tests.performance.test_cohorts_real_data import (  # noqa: F401 — csv_path is a fixture
    canonical_workspace, csv_path, raw_frame, reference_invoices)


@pytest.fixture(scope="module")
def retail(csv_path):
    return canonical_workspace(csv_path)


def test_monthly_kpis_match_pandas(retail, csv_path):
    inv = reference_invoices(raw_frame(csv_path))
    orders = inv[inv["is_order"]]
    known = orders[orders["customer"].notna()]
    first = known.groupby("customer")["month"].min()
    ref = (inv.groupby("month").agg(net_revenue=("revenue", "sum"))
           .join(orders.groupby("month").size().rename("orders"))
           .join(known.groupby("month")["customer"].nunique().rename("customers_active"))
           .join(first.value_counts().rename("new_customers")))
    ref.index = ref.index.to_timestamp().date
    ours = kpis.kpi_table(retail, "month").set_index("period")
    assert list(ours.index) == list(ref.index)
    for col in ("orders", "customers_active", "new_customers"):
        assert ours[col].astype(int).tolist() == ref[col].astype(int).tolist(), col
    assert (ours["net_revenue"] - ref["net_revenue"]).abs().max() < 0.01
    assert (ours["aov"] - ref["net_revenue"] / ref["orders"]).abs().max() < 1e-6
    assert ours["net_revenue"].sum() == pytest.approx(9_747_747.93, abs=0.01)   # SOURCE.md


def test_bridge_adds_up_exactly_every_month(retail):
    months = kpis.kpi_table(retail, "month")["period"].tolist()
    for a, b in zip(months, months[1:]):
        bridge = kpis.revenue_bridge(retail, a, b)
        assert bridge["effects"]["amount"].sum() == bridge["change"], (a, b)
        assert bridge["change"] == bridge["revenue_b"] - bridge["revenue_a"]
    sentences = kpis.explain_bridge(kpis.revenue_bridge(retail, "2011-10-01", "2011-11-01"))
    assert sentences[0].startswith("Revenue rose") and "£" in sentences[0]


def test_demand_heatmap_on_real_times(retail):
    grid = kpis.demand_heatmap(retail)
    assert grid.attrs["reason"] is None
    assert "Saturday" not in set(grid["weekday_name"])          # the shop ships no orders on Saturdays
    assert grid["orders"].sum() == kpis.kpi_table(retail, "month")["orders"].sum()
