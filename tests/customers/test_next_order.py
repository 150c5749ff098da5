"""Expected next-order dates: own gaps shrunk toward the shop's typical gap; overdue days."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.customers.next_order import expected_next_orders, next_orders_for_workspace, shrunk_gap
from tests.helpers import workspace_from_tables


def test_shrinkage_on_paper():
    assert shrunk_gap(10.0, 2, 40.0, 2.0) == pytest.approx(25.0)       # (2·10 + 2·40) / 4
    assert shrunk_gap(np.nan, 0, 40.0, 2.0) == pytest.approx(40.0)     # one order: the shop's gap
    assert shrunk_gap(10.0, 198, 40.0, 2.0) == pytest.approx(10.3)     # long history: almost their own
    assert shrunk_gap(10.0, 2, 40.0, 0.0) == pytest.approx(10.0)       # no shrinkage at all


def test_expected_dates_and_overdue_days():
    features = pd.DataFrame({
        "customer_id": ["a", "b", "c"],
        "last_order_date": pd.to_datetime(["2024-01-01", "2024-01-20", "2024-01-30"]),
        "mean_gap_days": [10.0, np.nan, 30.0],
        "gaps": [2, 0, 6],
        "shop_gap_days": [40.0, 40.0, 40.0],
    })
    out = expected_next_orders(features, "2024-02-05").set_index("customer_id")
    assert str(out.loc["a", "next_order_expected_at"]) == "2024-01-26"   # usual gap 25 days
    assert out.loc["a", "overdue_days"] == 10
    assert out.loc["b", "usual_gap_days"] == pytest.approx(40)
    assert str(out.loc["b", "next_order_expected_at"]) == "2024-02-29"
    assert out.loc["b", "overdue_days"] == 0                            # not yet due
    assert out.loc["c", "usual_gap_days"] == pytest.approx((6 * 30 + 2 * 40) / 8)
    assert out.loc["a", "recency_ratio"] == pytest.approx(35 / 25)


def test_for_a_workspace_as_of_the_day_after_the_last_order():
    lines = [dict(order_id=f"o{i}", customer_id=c, ordered_at=d, quantity=1, unit_price=5)
             for i, (c, d) in enumerate([("a", "2024-01-01"), ("a", "2024-01-11"), ("a", "2024-01-21"),
                                         ("b", "2024-01-01"), ("b", "2024-01-31"), ("z", "2024-03-01")])]
    ws = workspace_from_tables(order_lines=lines)
    out = next_orders_for_workspace(ws).set_index("customer_id")
    # shop gap = median of own mean gaps (a: 10, b: 30) = 20; a: (2·10 + 2·20)/4 = 15 → Feb 5
    assert str(out.loc["a", "next_order_expected_at"]) == "2024-02-05"
    assert out.loc["a", "overdue_days"] == 26                           # as of Mar 2
    assert out.loc["z", "overdue_days"] == 0
    ws.close()
