"""The shop's purchase rhythm, worked out on paper, and the rules built on it agreeing with each other."""

from __future__ import annotations

import numpy as np
import pytest

from insights.customers import lifecycle, rhythm
from insights.predictions import churn
from tests.customers.test_segments import line
from tests.helpers import workspace_from_tables

# c1 buys on Jan 1, Jan 11 (twice that day: one purchase), Jan 31 → gaps 10, 20
# c2 buys on Jan 5 and Mar 5 → gap 60; a cancellation alone on Feb 1 is not a purchase day
# guests never count
PAPER = [
    line("A1", "c1", "2024-01-01 10:00", 10), line("A2", "c1", "2024-01-11 09:00", 10),
    line("A3", "c1", "2024-01-11 18:00", 5), line("A4", "c1", "2024-01-31 10:00", 10),
    line("B1", "c2", "2024-01-05 10:00", 20), line("B2", "c2", "2024-02-01 10:00", 20, qty=-1, cancel=True),
    line("B3", "c2", "2024-03-05 10:00", 20),
    line("G1", None, "2024-01-02 10:00", 99), line("G2", None, "2024-01-03 10:00", 99),
]


@pytest.fixture(scope="module")
def paper():
    ws = workspace_from_tables(order_lines=PAPER)
    yield ws
    ws.close()


def test_gaps_on_paper(paper):
    r = rhythm.purchase_rhythm(paper, "2024-04-01", (0.5, 1.0))
    assert r.repeat_purchases == 3                       # 10, 20 (c1) and 60 (c2)
    assert r.gap_at(0.5) == 20 and r.gap_at(1.0) == 60
    assert r.days_at(0.5, minimum=30) == 30


def test_only_purchases_before_as_of_count(paper):
    r = rhythm.purchase_rhythm(paper, "2024-03-05", (0.5,))   # c2's second purchase is on the as-of day itself
    assert r.repeat_purchases == 2 and r.gap_at(0.5) == 15
    assert rhythm.purchase_rhythm(paper, "2024-01-01").repeat_purchases == 0


def test_share_within(paper):
    assert rhythm.share_within(paper, "2024-04-01", 20) == pytest.approx(2 / 3)
    assert rhythm.share_within(paper, "2024-01-02", 20) is None


def test_customer_gaps(paper):
    gaps = rhythm.customer_gaps(paper, "2024-04-01").set_index("customer_id")
    assert gaps.loc["c1", "gaps"] == 2 and gaps.loc["c1", "mean_gap_days"] == 15
    assert gaps.loc["c2", "gaps"] == 1 and gaps.loc["c2", "mean_gap_days"] == 60
    assert set(gaps["shop_gap_days"]) == {37.5}           # median of 15 and 60


def _regular_shop(seed: int, customers: int = 400):
    rng = np.random.default_rng(seed)
    lines, n = [], 0
    for c in range(customers):
        day = np.datetime64("2023-01-01") + int(rng.integers(0, 60))
        while day < np.datetime64("2024-06-30"):
            n += 1
            lines.append(line(f"O{n}", f"c{c}", f"{day} 10:00", 20))
            day = day + int(rng.gamma(2.0, 20.0)) + 1
    return workspace_from_tables(order_lines=lines)


def test_churn_window_and_lapsed_threshold_are_one_fact():
    """Churn's window at the 90th percentile and the lifecycle's lapsed threshold are the same number of days:
    both come from purchase_rhythm on the same as-of date."""
    ws = _regular_shop(seed=3)
    try:
        definition = churn.churn_definition(ws.con, percentile=0.9)
        thresholds = lifecycle.shop_thresholds(ws, definition.as_of)
        assert thresholds.measured
        assert definition.window_days == max(churn.MIN_WINDOW_DAYS, thresholds.lapsed_days)
        # and both equal the 90th percentile of every gap computed independently, rounded up
        days = ws.con.execute("select gap_days from customer_order_days where gap_days is not null "
                              "and order_date < ?", [definition.as_of.date()]).fetchall()
        assert thresholds.lapsed_days == int(np.ceil(np.quantile([d[0] for d in days], 0.9)))
    finally:
        ws.close()
