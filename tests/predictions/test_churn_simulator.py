"""The simulated BG/NBD × Gamma-Gamma shop (insights/predictions/simulate.py): seeded, its files agree with its
truth, and the planted driver and channel are there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.predictions.simulate import CHANNELS, simulate_shop


@pytest.fixture(scope="module")
def shop():
    return simulate_shop(4000, seed=3)


def test_seeded_and_files_agree_with_the_truth(shop):
    again = simulate_shop(4000, seed=3)
    pd.testing.assert_frame_equal(shop.orders, again.orders)
    assert not shop.orders.equals(simulate_shop(4000, seed=4).orders)
    per_customer = shop.orders.groupby("Customer ID")["Order ID"].nunique()
    truth = shop.truth.set_index("customer_id")
    assert per_customer.reindex(truth.index).fillna(0).astype(int).tolist() == truth["orders"].tolist()
    assert (truth["orders"] >= 1).all()
    late_orders = shop.orders.drop_duplicates("Order ID").groupby("Customer ID")["late_delivery"].apply(
        lambda s: int((s == "true").sum()))
    assert late_orders.reindex(truth.index).tolist() == truth["late_orders"].tolist()
    # a dead customer placed no order after dropping out; orders lie inside the period
    dates = pd.to_datetime(shop.orders["Order Date"])
    assert dates.min() >= shop.start and dates.max() < shop.end
    last = dates.groupby(shop.orders["Customer ID"]).max().reindex(truth.index)
    dead = ~truth["alive"]
    assert (last[dead].dt.floor("s") <= truth.loc[dead, "dropped_at"] + pd.Timedelta(seconds=1)).all()
    assert set(shop.customers["Acquisition Channel"]) <= set(CHANNELS)
    assert shop.customers["Customer ID"].tolist() == truth.index.tolist()


def test_planted_driver_and_channel(shop):
    t = shop.truth
    # after a late last order customers are gone far more often than after an on-time one
    gone_late = 1 - t.loc[t["last_order_late"], "alive"].mean()
    gone_on_time = 1 - t.loc[~t["last_order_late"], "alive"].mean()
    assert gone_late > 1.5 * gone_on_time
    spend = t.groupby("channel")["mean_spend"].mean()
    assert spend.idxmax() == "Referral" and spend["Referral"] > 1.4 * spend.drop("Referral").mean()


def test_no_driver_one_time_shop_and_layouts():
    plain = simulate_shop(3000, seed=5, late_dropout_factor=1.0, high_value_channel=None).truth
    gone_late = 1 - plain.loc[plain["last_order_late"], "alive"].mean()
    gone_on_time = 1 - plain.loc[~plain["last_order_late"], "alive"].mean()
    assert abs(gone_late - gone_on_time) < 0.08
    one_time = simulate_shop(3000, seed=5, one_time_share=0.97)
    assert (one_time.truth["orders"] == 1).mean() > 0.95
    tags = simulate_shop(500, seed=5, driver_column="tags").orders
    assert "late_delivery" not in tags and set(tags["Tags"]) <= {"late delivery", "first order", ""}
    dates = simulate_shop(500, seed=5, driver_column="dates").orders
    late_days = (pd.to_datetime(dates["Delivered Date"]) - pd.to_datetime(dates["Promised Date"])).dt.days
    assert late_days.max() >= 3 and np.isin(late_days.dropna().unique(), [-1, 0, 3, 4, 5, 6, 7, 8, 9]).all()
    with pytest.raises(ValueError, match="driver_column"):
        simulate_shop(10, driver_column="nope")


def test_write_files(shop, tmp_path):
    paths = shop.write(tmp_path / "files")
    assert [p.name for p in paths] == ["orders.csv", "customers.csv"]
    head = paths[0].read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("Order ID,Order Date,Customer ID")
    assert len(pd.read_csv(paths[0])) == len(shop.orders)
