"""Lifecycle stages with thresholds worked out on paper, the shop-rhythm thresholds, and transitions."""

from __future__ import annotations

import pytest

from insights.customers import lifecycle
from tests.helpers import workspace_from_tables
from tests.customers.test_segments import LINES, line

# c6 bought on 2024-01-01, then again on 2024-03-25 after an 84-day gap
LIFE_LINES = LINES + [line("F1", "c6", "2024-01-01 08:00", 7), line("F2", "c6", "2024-03-25 08:00", 7)]


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LIFE_LINES)
    yield ws
    ws.close()


def test_stages_with_explicit_thresholds(shop):
    # as of 2024-04-01 with active 30 days, lapsed 60 days
    stages = lifecycle.lifecycle_stages(shop, "2024-04-01", lifecycle.Thresholds(30, 60, 0, True))
    assert stages.set_index("customer_id")["stage"].to_dict() == {
        "c1": "active",        # last order 2 days ago, previous gap 29 days
        "c2": "new",           # first order 1 day ago
        "c3": "at risk",       # last order 46 days ago
        "c4": "lapsed",        # 82 days ago (the cancelled id is not an order)
        "c5": "new",
        "c6": "reactivated",   # back 7 days ago after 84 days away
    }


def test_thresholds_follow_the_gaps_and_fall_back_on_little_data():
    th = lifecycle.thresholds_from_gaps(list(range(1, 101)))
    assert (th.active_days, th.lapsed_days, th.measured) == (76, 91, True)   # p75 = 75.25, p90 = 90.1, rounded up
    few = lifecycle.thresholds_from_gaps([5, 6])
    assert not few.measured and (few.active_days, few.lapsed_days) == (60, 180)
    assert "Too few" in few.sentence()
    flat = lifecycle.thresholds_from_gaps([7] * 50)
    assert flat.active_days == 7 and flat.lapsed_days == 8


def test_transitions_between_two_dates(shop):
    moves = lifecycle.transitions(shop, "2024-02-01", "2024-04-01")   # few gaps: defaults 60 / 180 days
    got = {(r["from"], r["to"]): r["customers"] for r in moves.to_dict("records")}
    assert got == {("new", "active"): 2, ("new", "at risk"): 1, (lifecycle.NOT_YET, "new"): 3}
    grid = lifecycle.transition_matrix(moves, lifecycle.STAGES)
    assert grid.loc["new", "active"] == 2 and grid.to_numpy().sum() == 6
    with pytest.raises(ValueError, match="before"):
        lifecycle.transitions(shop, "2024-04-01", "2024-02-01")
    rfm_moves = lifecycle.transitions(shop, "2024-02-01", "2024-04-01", by="rfm")
    assert rfm_moves["customers"].sum() == 6


def test_stage_summary_lists_every_stage(shop):
    summary = lifecycle.stage_summary(lifecycle.lifecycle_stages(shop))
    assert summary["stage"].tolist() == list(lifecycle.STAGES) and summary["customers"].sum() == 6
