"""The second-purchase view on tables whose answer is worked out by hand, and on simulated one-time-buyer shops:
a planted first-order driver (Garden buyers come back twice as often) is found with its interval; in a shop where
nothing drives a second order, nothing is found."""

from __future__ import annotations

import pandas as pd
import pytest

from insights.second_purchase.follow_up import follow_up_file, follow_up_list
from insights.second_purchase.view import second_purchase_view
from insights.second_purchase.words import window_sentence
from tests.helpers import workspace_from_tables
from tests.second_purchase.shops import PLANTED_RETURN, shop


def _line(order_id, customer, day, price="20", **extra):
    return dict(order_id=order_id, customer_id=customer, ordered_at=pd.Timestamp(day) + pd.Timedelta(hours=9),
                product_id="P1", product_name="Mug", category="Kitchen", quantity=1, unit_price=price, **extra)


@pytest.fixture(scope="module")
def small_shop():
    """The data ends on 2024-12-31 (end = 2025-01-01). First orders, and second ones:
    a 2024-01-01 → 2024-01-21 (20 days); b 2024-01-01 → 2024-05-01 (121 days); c 2024-01-01 (never again);
    d 2024-09-01 → 2024-09-11 (10 days); e 2024-12-01 (once, 31 days before the end); g a guest; z first bought
    in December 2023, the data's first month: left out (z may have bought before the data begins)."""
    lines = [_line("z1", "z", "2023-12-20"), _line("z2", "z", "2024-01-05"),
             _line("a1", "a", "2024-01-01"), _line("a2", "a", "2024-01-21"), _line("a3", "a", "2024-03-01"),
             _line("b1", "b", "2024-01-01"), _line("b2", "b", "2024-05-01"),
             _line("c1", "c", "2024-01-01"),
             _line("d1", "d", "2024-09-01"), _line("d2", "d", "2024-09-11"),
             _line("e1", "e", "2024-12-01", price="55"),
             _line("g1", None, "2024-12-31", is_guest=True)]
    records = [dict(customer_id="e", email="e@example.com", name="=HYPERLINK(\"x\")", consent_email=True)]
    ws = workspace_from_tables(order_lines=lines, customer_records=records)
    yield ws
    ws.close()


def test_rates_count_only_buyers_old_enough_and_the_rest_as_too_recent(small_shop):
    view = second_purchase_view(small_shop)
    assert view.first_time_buyers == 5 and view.end == pd.Timestamp("2025-01-01") and view.before_data == 1
    rates = view.rates.set_index("days")
    # 30 days: every first order is old enough except e (31 days: old enough too) → a, d back of a b c d e
    assert rates.loc[30, ["customers", "returned", "too_recent"]].tolist() == [5, 2, 0]
    # 90 days: e is too recent; a and d came back within 90 days
    assert rates.loc[90, ["customers", "returned", "too_recent"]].tolist() == [4, 2, 1]
    assert rates.loc[90, "rate"] == pytest.approx(0.5)
    assert rates.loc[90, "ci_low"] < 0.5 < rates.loc[90, "ci_high"]
    # 180 days: d (121 days old) too recent as well; a and b back
    assert rates.loc[180, ["customers", "returned"]].tolist() == [3, 2]
    # 365 days: 2024 is a leap year, so a, b and c (366 days old) count; a and b back
    assert rates.loc[365, ["customers", "returned", "too_recent"]].tolist() == [3, 2, 2]
    assert view.too_recent == 1
    # too few buyers a year old: the window is read from every second order so far (20, 121 and 10 days)
    assert sorted(view.days_to_second) == [10, 20, 121] and view.median_days_to_second == 20
    assert window_sentence(view) == "Half of second orders come within 20 days: send the follow-up before then."


def test_follow_up_list_is_recent_buyers_inside_the_window_and_honours_consent(small_shop):
    view = second_purchase_view(small_shop)
    # inside the 20-day window on 2025-01-01: nobody (e bought 31 days ago) …
    assert follow_up_list(view).empty
    # … but as of 2024-12-15, e (14 days ago, no second order) is, to be written to by 2024-12-21
    view = second_purchase_view(small_shop, as_of="2024-12-15")
    customers = follow_up_list(view)
    assert customers["customer_id"].tolist() == ["e"]
    assert customers["follow_up_by"].iloc[0] == pd.Timestamp("2024-12-21")
    made = follow_up_file(small_shop, customers)
    text = made.data.decode("utf-8-sig")
    assert made.written == 1 and "e@example.com" in text and "'=HYPERLINK" in text   # formula made safe
    refused = follow_up_file(small_shop, customers.assign(consent_email=False))
    assert refused.written == 0 and refused.without_consent == 1


def test_by_dimension_names_only_what_the_data_says(small_shop):
    view = second_purchase_view(small_shop)
    # two months of 3 and 1 buyers: too few to test; no channel, country, delivery or review; one price; one
    # category and product of 4 customers: under the gateways' 30
    months = view.by[view.by["dimension"] == "first_month"]
    assert months["value"].tolist() == ["2024-01", "2024-09"] and months["customers"].tolist() == [3, 1]
    assert view.dimensions() == ["first_month"] and not view.by["different"].any()
    assert set(view.to_json()) == {"first_time_buyers", "too_recent", "rates", "median_days_to_second", "by"}


def test_no_identified_customers_gives_no_view():
    ws = workspace_from_tables(order_lines=[_line("g1", None, "2024-12-31", is_guest=True)])
    assert second_purchase_view(ws) is None
    ws.close()


@pytest.fixture(scope="module")
def planted_view():
    ws = shop(1, planted=True)
    yield second_purchase_view(ws)
    ws.close()


def test_a_planted_first_category_is_found_with_its_interval(planted_view):
    view = planted_view
    assert view.first_time_buyers + view.before_data == 5000 and 0 < view.before_data < 300 and view.too_recent > 0
    drivers = view.drivers
    garden = drivers[(drivers["dimension"] == "first_category") & (drivers["value"] == "Garden")]
    assert len(garden) == 1, drivers
    row = garden.iloc[0]
    assert row["ci_low"] > row["rate_others"]                      # clearly above the others …
    assert row["ci_low"] <= PLANTED_RETURN <= row["ci_high"]       # … and the planted rate inside its interval
    assert 1.5 < row["rate_90d"] / row["rate_others"] < 2.5         # about twice as often
    assert row["p_adjusted"] <= 0.05
    # nothing else about the first order is called different (a Garden product at most)
    others = drivers[~drivers["value"].str.startswith("Garden")]
    assert others.empty, others


def test_nothing_is_found_where_nothing_drives_a_second_order():
    ws = shop(1, planted=False)
    view = second_purchase_view(ws)
    ws.close()
    assert view.drivers.empty, view.drivers
    tested = view.by[view.by["p_value"].notna()]
    assert len(tested) >= 20          # it looked: months, channels, categories, bands, delivery were all tested
    assert set(tested["dimension"]) >= {"first_month", "channel", "first_category", "value_band", "delivery"}
