"""The bundled sample shop is what its README promises, and the planted stories are there to be found."""

import filecmp
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def orders():
    return pd.read_csv(SAMPLE / "orders.csv", dtype={"Customer ID": "string"}, parse_dates=["Order Date"])


@pytest.fixture(scope="module")
def customers():
    return pd.read_csv(SAMPLE / "customers.csv", dtype=str)


def test_generator_is_deterministic(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("generate", SAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    for name in ("orders.csv", "customers.csv", "web_events.csv", "feedback.csv"):
        assert filecmp.cmp(tmp_path / name, SAMPLE / name, shallow=False), f"{name} differs from a fresh run"


def test_sizes_dates_and_shop_realities(orders, customers):
    assert 12_000 <= len(orders) <= 40_000
    assert orders["Order Date"].min() >= pd.Timestamp("2024-11-01")
    assert orders["Order Date"].max() <= pd.Timestamp("2026-11-01")
    assert 2_500 <= orders["Customer ID"].nunique() <= 3_100
    guests = orders[orders["Customer ID"].isna()]["Order ID"].nunique() / orders["Order ID"].nunique()
    assert 0.01 < guests < 0.06
    assert (orders["Status"] == "cancelled").any() and (orders["Quantity"] < 0).any()
    assert (orders["SKU"] == "POST").any()
    assert set(customers["Email Opt-In"]) == {"yes", "no"}


def test_crm_has_duplicate_people(customers):
    emails = customers["Email"].dropna().str.strip().str.lower()
    assert emails.duplicated().sum() >= 15


def test_referral_customers_are_worth_about_twice_paid_social(orders):
    lines = orders.assign(revenue=orders["Quantity"] * orders["Unit Price"])
    lines = lines[lines["Status"] != "cancelled"].dropna(subset=["Customer ID"])
    per_customer = lines.groupby(["Customer ID", "Channel"])["revenue"].sum().groupby("Channel").mean()
    assert per_customer["Referral"] / per_customer["Paid Social"] > 1.8


def test_late_deliveries_are_followed_by_churn_and_low_scores(orders):
    o = orders.dropna(subset=["Customer ID"]).groupby("Order ID").agg(
        customer=("Customer ID", "first"), at=("Order Date", "min"),
        late=("Delivered Date", lambda s: False), promised=("Promised Date", "first"),
        delivered=("Delivered Date", "first"))
    o["late"] = pd.to_datetime(o["delivered"]) > pd.to_datetime(o["promised"])
    o = o.sort_values("at")
    o["ordered_again"] = o.groupby("customer")["at"].shift(-1).notna()
    early = o[o["at"] < pd.Timestamp("2026-04-01")]
    again_late = early[early["late"]]["ordered_again"].mean()
    again_ok = early[~early["late"]]["ordered_again"].mean()
    assert 0.08 < o["late"].mean() < 0.16
    assert again_late < again_ok - 0.2

    feedback = pd.read_csv(SAMPLE / "feedback.csv")
    nps = feedback[feedback["Type"] == "nps"].merge(o[["late"]], left_on="Order ID", right_index=True)
    assert nps[nps["late"]]["Score"].mean() < nps[~nps["late"]]["Score"].mean() - 3
    assert nps[nps["late"]]["Comment"].str.contains("late|waiting|slow|forever|days after", case=False).all()


def test_garden_tools_stock_out_dents_july_2025(orders):
    month = orders["Order Date"].dt.to_period("M")
    garden = orders[orders["Category"] == "Garden Tools"].groupby(month[orders["Category"] == "Garden Tools"]).size()
    assert garden[pd.Period("2025-07")] < 0.15 * garden[pd.Period("2025-06")]
    revenue = (orders["Quantity"] * orders["Unit Price"]).groupby(month).sum()
    assert revenue[pd.Period("2025-07")] < 0.85 * min(revenue[pd.Period("2025-06")], revenue[pd.Period("2025-08")])


def test_events_follow_a_funnel():
    events = pd.read_csv(SAMPLE / "web_events.csv")
    counts = events["Event"].value_counts()
    assert counts["page_view"] > counts["add_to_cart"] > counts["begin_checkout"] >= counts["purchase"] > 0
