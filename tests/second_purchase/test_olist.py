"""Olist's public marketplace sample (orders, items, customers, reviews): nearly every customer bought once. The
second-purchase view's 90-day figure is checked against one computed here by hand with pandas from the raw CSVs,
and the command line prints the issue's JSON shape."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from insights.cli import main
from insights.commands import second_purchase as second_purchase_command
from insights.core.workspace import Workspace
from insights.customers import segments
from insights.customers.shop_shape import empty_segments_reason, one_time_buyer_sentence, shop_shape
from insights.ingest.prepare import ingest_files
from insights.second_purchase.view import second_purchase_view

FILES = ("olist_orders_dataset.csv", "olist_order_items_dataset.csv", "olist_customers_dataset.csv",
         "olist_order_reviews_dataset.csv")


@pytest.fixture(scope="module")
def olist(shared_data, tmp_path_factory):
    folder = shared_data / "olist_brazilian_ecommerce" / "sample_15k_orders"
    ws = Workspace.create("Olist", root=tmp_path_factory.mktemp("olist") / "workspaces")
    ingest_files(ws, [folder / name for name in FILES])
    yield ws, folder
    ws.close()


@pytest.fixture(scope="module")
def olist_view(olist):
    """The view, computed once for the module (the command test reuses it: what it checks is the command's own
    part — the workspace it opens, its options and its output)."""
    return second_purchase_view(olist[0])


def by_hand(folder) -> dict:
    """The 90-day figure from the raw files: an order counts when it has items and is not cancelled; a person is
    the customer_unique_id; a purchase day is a calendar day with an order; the data ends the day after the last
    order; a buyer whose first purchase day falls in the data's first month is left out; a buyer counts when the
    first purchase day is 90 days or more before that end."""
    orders = pd.read_csv(folder / "olist_orders_dataset.csv")
    items = pd.read_csv(folder / "olist_order_items_dataset.csv", usecols=["order_id"])
    people = pd.read_csv(folder / "olist_customers_dataset.csv", usecols=["customer_id", "customer_unique_id"])
    orders = orders[orders["order_id"].isin(items["order_id"]) & (orders["order_status"] != "canceled")]
    orders = orders.merge(people, on="customer_id")
    orders["day"] = pd.to_datetime(orders["order_purchase_timestamp"]).dt.normalize()
    end = orders["day"].max() + pd.Timedelta(days=1)
    days = orders.drop_duplicates(["customer_unique_id", "day"])
    first = days.groupby("customer_unique_id")["day"].min()
    in_first_month = first.dt.to_period("M") == first.min().to_period("M")     # may have bought before the data
    first = first[~in_first_month]
    days = days[days["customer_unique_id"].isin(first.index)]
    later = days[days["day"] > days["customer_unique_id"].map(first)]
    second = later.groupby("customer_unique_id")["day"].min()
    old_enough = first[(end - first).dt.days >= 90]
    back = (second.reindex(old_enough.index) - old_enough).dt.days <= 90
    return {"buyers": len(first), "customers": len(old_enough), "returned": int(back.sum()),
            "too_recent": len(first) - len(old_enough), "left_out": int(in_first_month.sum())}


def test_the_90_day_figure_matches_a_hand_count(olist, olist_view):
    ws, folder = olist
    view = olist_view
    expected = by_hand(folder)
    head = view.headline
    assert (view.first_time_buyers, int(head["customers"]), int(head["returned"]), view.too_recent,
            view.before_data) == (expected["buyers"], expected["customers"], expected["returned"],
                                  expected["too_recent"], expected["left_out"])
    assert head["rate"] == pytest.approx(expected["returned"] / expected["customers"])
    assert (expected["buyers"], expected["customers"], expected["returned"]) == (14705, 11926, 35)   # 0.29%
    assert head["ci_low"] < head["rate"] < head["ci_high"] < 0.01
    # what Olist's four files say about a first order: its month, product, value, delivery and review
    assert set(view.dimensions()) == {"first_month", "first_product", "value_band", "delivery", "review_score"}
    assert view.drivers.empty           # with 35 second orders, nothing is called different
    assert view.median_days_to_second is not None


def test_olist_is_called_a_one_time_buyer_shop_and_its_empty_segments_explained(olist):
    ws, _ = olist
    shape = shop_shape(ws)
    assert shape.one_time_shop and shape.one_time_share > 0.99
    assert one_time_buyer_sentence(shape).startswith("This is a one-time-buyer shop: 99.6% of your 14,706 customers")
    rfm = segments.rfm_table(ws)
    summary = segments.segment_summary(rfm)
    empty = summary.loc[summary["customers"] == 0, "segment"].tolist()
    reason = empty_segments_reason(rfm, empty)
    assert empty and "have the same frequency (1 order)" in reason


def test_second_purchase_command_prints_the_issue_json(olist, olist_view, capsys, monkeypatch):
    ws, folder = olist
    opened = []

    def computed_once(workspace, as_of=None):
        opened.append(workspace.path)
        return olist_view

    monkeypatch.setattr(second_purchase_command, "second_purchase_view", computed_once)
    assert main(["second-purchase", "--workspace", str(ws.path), "--json", "--by", "delivery"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["first_time_buyers", "too_recent", "rates", "median_days_to_second", "by"]
    assert [r["days"] for r in out["rates"]] == [30, 60, 90, 180, 365]
    assert all(list(r) == ["days", "rate", "ci_low", "ci_high", "customers"] for r in out["rates"])
    assert all(list(r) == ["dimension", "value", "customers", "rate_90d", "ci_low", "ci_high"] for r in out["by"])
    assert {r["value"] for r in out["by"]} == {"late", "on time"}
    ninety = out["rates"][2]
    assert ninety["customers"] == 11926 and ninety["rate"] == pytest.approx(35 / 11926)
    assert main(["second-purchase", "--workspace", str(ws.path)]) == 0
    text = capsys.readouterr().out
    assert "14,705 first-time buyers" in text and "Left out: 1 customer whose first order" in text and "Half of second orders come within" in text
    assert opened == [ws.path, ws.path]                  # the command opened the workspace it was given
