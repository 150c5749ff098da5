"""Churn features as of a cutoff: values worked out on paper, and proof that nothing after the cutoff leaks in."""

from __future__ import annotations

import pandas as pd
import pytest

from insights.predictions.churn import churn_definition, shop_features, shop_labels
from insights.predictions.churn.fit import _with_labels
from insights.customers.next_order import expected_next_orders
from tests.helpers import insert_rows, workspace_from_tables

CUTOFF = pd.Timestamp("2024-03-01")


def line(order_id, customer, at, price, **extra):
    return dict(order_id=order_id, customer_id=customer, ordered_at=at, quantity=1, unit_price=price, **extra)


def paper_shop():
    lines = [
        # ann: order days Jan 1, Jan 11, Jan 21 (gaps 10, 10); values 100, 100, 40 → shrinking
        line("A1", "ann", "2024-01-01 10:00", 100, promised_at="2024-01-04", delivered_at="2024-01-04"),
        line("A2", "ann", "2024-01-11 10:00", 100, promised_at="2024-01-14", delivered_at="2024-01-16"),
        line("A3", "ann", "2024-01-21 10:00", 40, promised_at="2024-01-24", delivered_at="2024-01-30"),
        # bob: one order, returned in part the same day, delivered on time
        line("B1", "bob", "2024-02-20 09:00", 50, promised_at="2024-02-23", delivered_at="2024-02-22"),
        dict(order_id="B1", customer_id="bob", ordered_at="2024-02-20 18:00", quantity=-1, unit_price=20,
             is_return=True),
        # cy: orders on Feb 1 and Feb 11 (two orders on Feb 11 count as one purchase day)
        line("C1", "cy", "2024-02-01 09:00", 30),
        line("C2", "cy", "2024-02-11 09:00", 30),
        line("C3", "cy", "2024-02-11 15:00", 30),
    ]
    feedback = [
        dict(customer_id="ann", submitted_at="2024-01-31", kind="nps", score=3, text="Parcel was LATE again"),
        dict(customer_id="ann", submitted_at="2024-01-05", kind="nps", score=9, text="great"),
        dict(customer_id="cy", submitted_at="2024-02-12", kind="review", score=4, text="fine"),
    ]
    events = [
        dict(customer_id="cy", session_id="s1", event_at="2024-02-25 10:00", event_type="view"),
        dict(customer_id="cy", session_id="s1", event_at="2024-02-25 10:05", event_type="cart"),
        dict(customer_id="cy", session_id="s2", event_at="2024-02-26 10:00", event_type="cart"),
        dict(customer_id="cy", session_id="s2", event_at="2024-02-26 10:09", event_type="purchase"),
        dict(customer_id="cy", session_id="s0", event_at="2023-10-15 10:00", event_type="view"),
    ]
    return lines, feedback, events


@pytest.fixture
def features():
    lines, feedback, events = paper_shop()
    ws = workspace_from_tables(order_lines=lines, feedback=feedback, events=events)
    yield shop_features(ws.con, CUTOFF).set_index("customer_id")
    ws.close()


def test_transaction_features_on_paper(features):
    ann, bob, cy = features.loc["ann"], features.loc["bob"], features.loc["cy"]
    assert ann["recency_days"] == 40                        # Jan 21 → Mar 1
    assert ann["tenure_days"] == 60
    assert ann["orders"] == 3 and ann["gaps"] == 2 and ann["mean_gap_days"] == 10
    assert ann["avg_order_value"] == pytest.approx(80)
    assert ann["value_trend"] == pytest.approx(40 / 100)     # last order against the mean of earlier ones
    assert cy["orders"] == 3 and cy["order_days"] == 2 and cy["gaps"] == 1 and cy["mean_gap_days"] == 10
    assert bob["returns"] == 1 and bob["net_revenue"] == pytest.approx(30)
    assert bob["gaps"] == 0 and pd.isna(bob["value_trend"])
    # shop's typical gap: median over repeat customers of their own mean gap (ann 10, cy 10)
    assert features["shop_gap_days"].iloc[0] == 10


def test_next_order_columns_use_the_shrunk_gap(features):
    ann, bob = features.loc["ann"], features.loc["bob"]
    # ann: (2 × 10 + 2 × 10) / 4 = 10 days after Jan 21 → Jan 31, overdue 30 days on Mar 1
    assert ann["usual_gap_days"] == pytest.approx(10)
    assert str(ann["next_order_expected_at"]) == "2024-01-31"
    assert ann["overdue_days"] == 30
    assert ann["recency_ratio"] == pytest.approx(4.0)
    assert bob["usual_gap_days"] == pytest.approx(10)         # one order: the shop's typical gap


def test_delivery_feedback_and_web_features_on_paper(features):
    ann, bob, cy = features.loc["ann"], features.loc["bob"], features.loc["cy"]
    assert ann["late_deliveries"] == 2 and ann["last_delivery_late_days"] == 6 and ann["max_late_days"] == 6
    assert bob["late_deliveries"] == 0 and bob["last_delivery_late_days"] == 0
    assert ann["last_nps"] == 3 and str(ann["last_nps_at"])[:10] == "2024-01-31"
    assert ann["negative_feedback"] == 1 and ann["last_negative_word"] == "late"
    assert cy["last_rating"] == 4 and cy["negative_feedback"] == 0
    assert cy["sessions_90d"] == 2 and cy["cart_abandons_90d"] == 1    # s1 carted without buying
    assert cy["sessions_prev_90d"] == 1 and cy["days_since_last_session"] == 4
    assert ann["sessions_90d"] == 0


def test_nothing_after_the_cutoff_changes_the_features():
    lines, feedback, events = paper_shop()
    ws = workspace_from_tables(order_lines=lines + [
        # a delivery that arrives after the cutoff, for an order placed before it
        line("D1", "dan", "2024-02-27 10:00", 70, promised_at="2024-02-28", delivered_at="2024-03-09")],
        feedback=feedback, events=events)
    before = shop_features(ws.con, CUTOFF)
    insert_rows(ws, "order_lines", [
        line("A9", "ann", "2024-03-01 00:00", 500),                        # exactly at the cutoff
        line("A10", "ann", "2024-04-02", 999, promised_at="2024-04-03", delivered_at="2024-04-30"),
        dict(order_id="A3", customer_id="ann", ordered_at="2024-03-05", quantity=-1, unit_price=40,
             is_return=True),                                              # a later return of an old order
        line("N1", "newcomer", "2024-03-10", 10),
    ])
    insert_rows(ws, "feedback", [dict(customer_id="ann", submitted_at="2024-03-02", kind="nps", score=0,
                                      text="worst, never arrived")])
    insert_rows(ws, "events", [dict(customer_id="cy", session_id="s9", event_at="2024-03-01 00:00:01",
                                    event_type="cart")])
    ws.con.execute("update order_lines set delivered_at = timestamp '2024-05-01' where order_id = 'D1'")
    ws.build_marts()
    after = shop_features(ws.con, CUTOFF)
    pd.testing.assert_frame_equal(before, after)
    # …while the same features as of a later date do see the new data
    later = shop_features(ws.con, pd.Timestamp("2024-06-01")).set_index("customer_id")
    assert later.loc["ann", "orders"] == 5 and "newcomer" in later.index
    ws.close()


def test_labels_look_only_at_the_window_after_the_cutoff():
    lines, _, _ = paper_shop()
    ws = workspace_from_tables(order_lines=lines + [line("C9", "cy", "2024-03-20", 10),
                                                    line("A9", "ann", "2024-05-01", 10)])
    labels = shop_labels(ws.con, CUTOFF, CUTOFF + pd.Timedelta(days=30)).set_index("customer_id")["churned"]
    assert labels.to_dict() == {"ann": True, "bob": True, "cy": False}   # ann came back too late
    ws.close()


def test_churn_window_is_the_percentile_of_purchase_gaps():
    # 20 customers, each with order days 0, 10, 20 … gaps 10 except one customer with gap 100
    lines = []
    for c in range(20):
        gap = 100 if c == 0 else 10
        for k in range(3):
            lines.append(line(f"{c}-{k}", f"c{c}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=gap * k), 10))
    ws = workspace_from_tables(order_lines=lines)
    d = churn_definition(ws.con, percentile=0.9)
    assert d.kind == "shop" and d.window_days == 10           # 38 of 40 gaps are 10 days
    assert d.as_of == pd.Timestamp("2024-07-20")               # the day after the last order (Jan 1 + 200 days)
    assert d.cutoff == d.as_of - pd.Timedelta(days=10)
    d99 = churn_definition(ws.con, percentile=0.99)
    assert d99.window_days > 10
    hand = churn_definition(ws.con, window_days=50)
    assert hand.window_days == 50 and hand.percentile == pytest.approx(38 / 40)
    ws.close()


def test_labels_are_attached_like_an_inner_merge():
    features = pd.DataFrame({"customer_id": pd.Series(["a", "b", "c"], dtype="str"), "orders": [1, 2, 3]})
    labels = pd.DataFrame({"customer_id": pd.Series(["a", "b", "c"], dtype="str"), "churned": [True, False, True]})
    merged = features.merge(labels, on="customer_id", how="inner", validate="one_to_one")
    pd.testing.assert_frame_equal(_with_labels(features, labels), merged)
    # other customers, or another order: the merge itself
    labels = pd.DataFrame({"customer_id": pd.Series(["d", "c", "b"], dtype="str"), "churned": [True, False, True]})
    pd.testing.assert_frame_equal(_with_labels(features, labels),
                                  features.merge(labels, on="customer_id", how="inner", validate="one_to_one"))


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")   # its overdue days
def test_next_orders_with_a_missing_last_order_date(features):
    frame = features.reset_index()
    fast = expected_next_orders(frame, CUTOFF)
    frame.loc[frame["customer_id"] == "bob", "last_order_date"] = pd.NaT
    slow = expected_next_orders(frame, CUTOFF)           # the pandas path, for missing dates
    keep = (frame["customer_id"] != "bob").to_numpy()
    pd.testing.assert_frame_equal(fast[keep].reset_index(drop=True), slow[keep].reset_index(drop=True))
    assert pd.isna(slow.loc[~keep, "next_order_expected_at"]).all()
