"""The planner for revenue per customer (issue 21 section 4): the spread is the shop's own, read from the
workspace, and the regression adjustment's expected narrowing (1 − sqrt(1 − ρ²)) is the one a campaign's reading
then measures; the sample size agrees with the textbook two-sample formula."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from insights.cli import main
from insights.experiments.campaign import analyse_campaign, read_assignment
from insights.experiments.revenue_plan import difference_at, plan_revenue, revenue_spread, total_for_difference
from tests.experiments.test_campaign import SENT, simulated_shop
from tests.helpers import file_workspace_copy, workspace_from_tables


def test_textbook_two_sample_size_and_its_inverse():
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    # σ = 40, δ = 4: 2 z² σ² / δ² = 1,569.8 per group → 1,570 each, 3,140 in all
    assert total_for_difference(40, 4) == math.ceil(4 * z * z * 1600 / 16)
    assert total_for_difference(40, 4) == 3140
    assert difference_at(40, 3140) == pytest.approx(4, rel=1e-3)
    # a 10% hold-back needs (1/0.1 + 1/0.9) / 4 = 2.78× the customers of an even split
    assert total_for_difference(40, 4, control_share=0.1) == math.ceil(z * z * 1600 * (10 + 1 / 0.9) / 16)
    # three variants: each compared with the control at α/2, a third of the list each
    assert total_for_difference(40, 4, variants=3) > 1.5 * 3140
    with pytest.raises(ValueError, match="between 0 and 1"):
        total_for_difference(40, 4, control_share=1.5)


def tiny_shop():
    """Data ends 2024-04-01 (last order 2024-03-31): with a 30-day window the outcome runs from 2024-03-02.
    a spent 10 before and 30 after; b 20 before, 40 after; c 30 before, nothing after; d first bought on 2024-03-10
    (after the window opens: not read); guests never."""
    def line(order, customer, day, price):
        return dict(order_id=order, customer_id=customer, ordered_at=f"{day} 10:00", quantity=1, unit_price=price)
    return workspace_from_tables(order_lines=[
        line("a1", "a", "2024-01-05", "10"), line("a2", "a", "2024-03-05", "30"),
        line("b1", "b", "2023-11-05", "20"), line("b2", "b", "2024-03-20", "40"),
        line("c1", "c", "2024-02-01", "30"),
        line("d1", "d", "2024-03-10", "99"),
        dict(order_id="g1", customer_id=None, is_guest=True, ordered_at="2024-03-31 10:00", quantity=1,
             unit_price="5")])


def test_spread_is_the_shops_own_revenue_per_customer_by_hand():
    ws = tiny_shop()
    spread = revenue_spread(ws, window_days=30)
    ws.close()
    after, before = np.array([30.0, 40.0, 0.0]), np.array([10.0, 20.0, 30.0])
    assert spread.as_of == pd.Timestamp("2024-03-02") and spread.customers == 3
    assert spread.mean == pytest.approx(after.mean()) and spread.sd == pytest.approx(after.std(ddof=1))
    assert spread.r_squared == pytest.approx(np.corrcoef(after, before)[0, 1] ** 2)
    assert spread.adjusted_sd == pytest.approx(after.std(ddof=1) * math.sqrt(1 - spread.r_squared))


@pytest.fixture(scope="module")
def null_campaign():
    """1,500 simulated customers with their own buying rates (1,087 bought in the year before the send), a
    50/50 list and no effect."""
    lines, crm, assignment = simulated_shop(1500, lift=0.0, seed=11, control_share=0.5)
    ws = workspace_from_tables(order_lines=lines, customer_records=crm)
    bought_before = {row["customer_id"] for row in lines if row["ordered_at"] < SENT.strftime("%Y-%m-%d %H:%M")}
    yield ws, assignment, bought_before
    ws.close()


def test_the_planned_narrowing_is_what_the_campaign_reading_measures(null_campaign, tmp_path):
    ws, assignment, bought_before = null_campaign
    spread = revenue_spread(ws, window_days=30, as_of=SENT)
    assert spread.customers == len(bought_before) == 1087 and spread.r_squared > 0.05
    # the list: the customers the planner read (who had bought before the send)
    listed = assignment[[f"C{i}" in bought_before for i in range(len(assignment))]]
    path = tmp_path / "list.csv"
    listed.to_csv(path, index=False)
    found = analyse_campaign(ws, read_assignment(path), window_days=30)
    planned = 1 - math.sqrt(1 - spread.r_squared)
    assert found.narrower["revenue per customer"] == pytest.approx(planned, abs=0.03)
    # the reading's spread of the difference is the planner's σ·sqrt(1/s + 1/(1−s)) / sqrt(N)
    revenue = next(c for c in found.unadjusted.comparisons if c.metric == "revenue per customer")
    share = (listed["group"] == "control").mean()
    expected_se = spread.sd * math.sqrt((1 / share + 1 / (1 - share)) / len(listed))
    assert math.sqrt(revenue.variance) == pytest.approx(expected_se, rel=0.1)
    plan = plan_revenue(spread, 0.2, list_size=1087)
    assert plan.total_users < plan.total_unadjusted
    assert plan.total_users == pytest.approx(plan.total_unadjusted * (1 - spread.r_squared), rel=0.01)
    assert plan.mde_at_list_size < plan.mde_unadjusted


def test_plan_revenue_command(tmp_path, capsys):
    ws = tiny_shop()
    copy = file_workspace_copy(ws, tmp_path, "Shop")
    ws.close()
    assert main(["plan", "--revenue", "--workspace", str(copy), "--mde", "0.2", "--control-share", "0.1",
                 "--list-size", "1500", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metric"] == "revenue per customer" and out["control_share"] == 0.1
    assert out["total_users"] < out["unadjusted"]["total_users"]
    assert out["control_users"] + out["users_per_variant"] >= out["total_users"]
    assert 0 < out["variance_reduction"] < 1 and out["mde_at_list_size"] < out["unadjusted"]["mde_at_list_size"]
    assert out["customers"] == 3 and out["as_of"] == "2024-03-02" and out["window_days"] == 30
    assert main(["plan", "--revenue", "--workspace", str(copy), "--mde", "0.2"]) == 0
    assert "customers in all" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="--baseline"):
        main(["plan", "--mde", "0.1"])
