"""The bundled sample shop is what its README promises, and the planted stories are there to be found.

Plain pandas on the committed CSVs, independent of the ingest code.
"""

import importlib.util
from pathlib import Path

import pandas as pd
import phonenumbers
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
HEADERS = {
    "orders.csv": ["Order ID", "Order Date", "Customer ID", "Customer Email", "SKU", "Product", "Category",
                   "Quantity", "Unit Price", "Currency", "Channel", "Country", "Status", "Promised Date",
                   "Delivered Date"],
    "customers.csv": ["Customer ID", "First Name", "Last Name", "Email", "Phone", "Country", "City", "Signup Date",
                      "Acquisition Channel", "Email Opt-In", "SMS Opt-In"],
    "web_events.csv": ["Session ID", "Customer ID", "Timestamp", "Event", "Page", "Source", "Device"],
    "feedback.csv": ["Response ID", "Customer ID", "Submitted At", "Type", "Score", "Comment", "Order ID"],
    "marketing_spend.csv": ["Month", "Channel", "Campaign", "Spend"],
}
REGIONS = {"Germany": "DE", "Austria": "AT", "Netherlands": "NL", "France": "FR", "Belgium": "BE"}
LATE_WORDS = "late|waiting|slow|forever|days after|over a week"


@pytest.fixture(scope="module")
def orders():
    lines = pd.read_csv(SAMPLE / "orders.csv", dtype={"Customer ID": "string", "Order ID": "string"},
                        parse_dates=["Order Date", "Promised Date", "Delivered Date"])
    return lines.assign(revenue=lines["Quantity"] * lines["Unit Price"])


@pytest.fixture(scope="module")
def customers():
    return pd.read_csv(SAMPLE / "customers.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def feedback():
    return pd.read_csv(SAMPLE / "feedback.csv", dtype={"Order ID": "string"}, parse_dates=["Submitted At"])


@pytest.fixture(scope="module")
def sales(orders):
    """One row per sale order (cancellation ids left out): customer, time, whether it arrived late."""
    sold = orders[orders["Status"] != "cancelled"]
    per_order = sold.groupby("Order ID").agg(customer=("Customer ID", "first"), at=("Order Date", "min"),
                                             promised=("Promised Date", "first"),
                                             delivered=("Delivered Date", "first"))
    per_order["late"] = per_order["delivered"] > per_order["promised"]
    per_order = per_order.sort_values("at")
    per_order["ordered_again"] = per_order.groupby("customer")["at"].shift(-1).notna()
    return per_order


def test_files_have_the_promised_headers_and_sizes():
    sizes = {"orders.csv": 5_000_000, "web_events.csv": 8_000_000}
    for name, header in HEADERS.items():
        path = SAMPLE / name
        assert path.exists(), f"{name} is missing: run .venv/bin/python sample_data/generate.py"
        assert path.read_text(encoding="utf-8").split("\n", 1)[0] == ",".join(header)
        assert path.stat().st_size < sizes.get(name, 1_000_000)


def test_generator_is_deterministic(tmp_path):
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    for name in HEADERS:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), f"{name} differs from a fresh run"


def test_orders_are_a_realistic_shop(orders, customers):
    assert 25_000 <= len(orders) <= 40_000
    assert orders["Order Date"].min() >= pd.Timestamp("2024-11-01")
    assert orders["Order Date"].max() < pd.Timestamp("2026-11-01")
    assert set(orders["Currency"]) == {"EUR"}
    assert set(orders["Country"]) == set(REGIONS) and (orders["Country"] == "Germany").mean() > 0.5
    assert set(orders["Channel"]) == {"Organic Search", "Paid Social", "Email", "Referral", "Marketplace"}
    products = orders[(orders["SKU"] != "POST") & (orders["Status"] == "completed")]
    assert products["Category"].nunique() == 6 and 100 <= products["SKU"].nunique() <= 130
    assert products.groupby("Order ID").size().between(1, 5).all()
    shipping = orders[orders["SKU"] == "POST"]
    assert len(shipping) > 500 and set(shipping["Category"]) == {"Shipping"}
    order_ids = orders["Order ID"].nunique()
    guests = orders[orders["Customer ID"].isna()]
    assert 0.02 < guests["Order ID"].nunique() / order_ids < 0.05 and guests["Customer Email"].isna().all()
    cancelled = orders[orders["Status"] == "cancelled"]
    returned = orders[orders["Status"] == "returned"]
    assert (cancelled["Quantity"] < 0).all() and (returned["Quantity"] < 0).all()
    assert 0.01 < cancelled["Order ID"].nunique() / order_ids < 0.05
    assert 0.01 < returned["Order ID"].nunique() / order_ids < 0.05
    # a return sits under the order id of the sale it undoes
    assert set(returned["Order ID"]) <= set(orders.loc[orders["Quantity"] > 0, "Order ID"])
    # every ordering customer is in the CRM, plus about 300 who never ordered
    crm = set(customers["Customer ID"])
    buyers = set(orders["Customer ID"].dropna())
    assert buyers <= crm and 2_800 <= len(buyers) <= 3_100
    assert 250 <= len(crm - buyers - set(customers.loc[customers["Customer ID"].str.startswith("C9"),
                                                       "Customer ID"])) <= 350


def test_many_one_time_buyers_and_a_loyal_core(sales):
    per_customer = sales.dropna(subset=["customer"]).groupby("customer").size()
    assert 0.3 < (per_customer == 1).mean() < 0.6
    assert (per_customer >= 5).mean() > 0.1


def test_order_times_follow_a_daily_and_seasonal_rhythm(orders):
    at = orders.drop_duplicates("Order ID")["Order Date"]
    by_hour = at.dt.hour.value_counts()
    assert by_hour[20] > 5 * by_hour[4]
    month = at.dt.to_period("M").value_counts()
    assert month[pd.Period("2025-12")] > 1.2 * month[pd.Period("2025-10")]      # Christmas
    first_year = month[month.index < pd.Period("2025-11")].sum()
    assert month[month.index >= pd.Period("2025-11")].sum() > 1.3 * first_year  # growth


def test_referral_customers_are_worth_about_twice_paid_social(orders):
    """12-month value: net revenue in the 365 days after a customer's first order (first order before Nov 2025)."""
    known = orders.dropna(subset=["Customer ID"])
    first = known.groupby("Customer ID")["Order Date"].transform("min")
    window = known[(first < pd.Timestamp("2025-11-01")) & (known["Order Date"] < first + pd.Timedelta(days=365))]
    value = window.groupby(["Customer ID", "Channel"])["revenue"].sum().groupby("Channel").mean()
    ratio = value["Referral"] / value["Paid Social"]
    assert 1.7 < ratio < 3.0
    assert value.idxmax() == "Referral" and value.idxmin() == "Paid Social"


def test_late_deliveries_are_followed_by_churn_and_low_scores(sales, feedback):
    assert 0.09 < sales["late"].mean() < 0.15
    known = sales.dropna(subset=["customer"])
    early = known[known["at"] < pd.Timestamp("2026-04-01")]      # time enough to order again
    assert early[early["late"]]["ordered_again"].mean() < early[~early["late"]]["ordered_again"].mean() - 0.2

    scored = feedback.merge(sales[["late"]], left_on="Order ID", right_index=True)
    assert len(scored) == len(feedback)                         # every answer names a real order
    for kind, gap in (("nps", 3), ("review", 1.5)):
        of_kind = scored[scored["Type"] == kind]
        assert of_kind[of_kind["late"]]["Score"].mean() < of_kind[~of_kind["late"]]["Score"].mean() - gap
    late_comments = scored[scored["late"]]["Comment"]
    assert late_comments.str.contains(LATE_WORDS, case=False).all()
    assert not scored[~scored["late"]]["Comment"].fillna("").str.contains(LATE_WORDS, case=False).any()
    assert feedback["Comment"].nunique() > 300                   # put together from many phrases
    assert feedback.loc[feedback["Type"] == "nps", "Score"].between(0, 10).all()
    assert feedback.loc[feedback["Type"] == "review", "Score"].between(1, 5).all()


def test_garden_tools_stock_out_dents_july_2025(orders):
    month = orders["Order Date"].dt.to_period("M")
    garden = orders[orders["Category"] == "Garden Tools"].groupby(month).size()
    assert garden[pd.Period("2025-07")] < 0.15 * min(garden[pd.Period("2025-06")], garden[pd.Period("2025-08")])
    revenue = orders.groupby(month)["revenue"].sum()
    assert revenue[pd.Period("2025-07")] < 0.8 * min(revenue[pd.Period("2025-06")], revenue[pd.Period("2025-08")])


def test_crm_has_consent_valid_phones_and_duplicate_people(customers):
    assert set(customers["Email Opt-In"]) == {"yes", "no"} and set(customers["SMS Opt-In"]) == {"yes", "no"}
    assert 0.65 < (customers["Email Opt-In"] == "yes").mean() < 0.75
    with_phone = customers[customers["Phone"] != ""]
    parsed = [phonenumbers.parse(p, REGIONS[c]) for p, c in zip(with_phone["Phone"], with_phone["Country"])]
    assert all(phonenumbers.is_valid_number_for_region(n, REGIONS[c])
               for n, c in zip(parsed, with_phone["Country"]))
    assert with_phone["Phone"].str.startswith("+").mean() < 0.9    # national and international forms
    emails = customers.loc[customers["Email"] != "", "Email"]
    assert (emails != emails.str.strip()).sum() >= 15                # written with stray spaces ...
    assert emails.str.strip().str.lower().duplicated().sum() >= 15   # ... by someone already there
    e164 = pd.Series([phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) for n in parsed])
    assert e164.duplicated().sum() >= 15
    twice = e164.duplicated(keep=False).to_numpy()
    forms = pd.DataFrame({"e164": e164[twice].to_numpy(), "written": with_phone["Phone"].to_numpy()[twice]})
    assert (forms.groupby("e164")["written"].nunique() > 1).all()   # the same number in another format


def test_web_events_follow_a_funnel_and_line_up_with_orders(orders):
    events = pd.read_csv(SAMPLE / "web_events.csv", dtype={"Customer ID": "string"})
    counts = events["Event"].value_counts()
    assert set(counts.index) == {"page_view", "add_to_cart", "begin_checkout", "purchase"}
    assert counts["page_view"] > 3 * counts["add_to_cart"]
    assert counts["add_to_cart"] > counts["begin_checkout"] > counts["purchase"]
    assert events["Customer ID"].isna().mean() > 0.3                 # anonymous sessions
    purchases = events[events["Event"] == "purchase"]
    placed = set(zip(orders["Customer ID"].dropna(), orders.loc[orders["Customer ID"].notna(), "Order Date"]
                     .dt.strftime("%Y-%m-%d %H:%M:%S")))
    assert purchases["Customer ID"].notna().all()
    assert all(key in placed for key in zip(purchases["Customer ID"], purchases["Timestamp"]))
    assert len(purchases) > 0.5 * orders["Order ID"].nunique()
