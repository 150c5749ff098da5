"""Drop-off by who the customer was when the visit began (RFM segment, lifecycle stage), and the funnel per month
or week: worked out on paper on hand-built visits, a planted low-converting segment ranked first, the labels of
the customers room computed from the orders before each month only."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from insights.customers.monthly_labels import labels_by_month
from insights.customers.segments import SEGMENT_NAMES
from insights.funnel import NOT_YET, funnel, funnel_by_period
from tests.funnel.test_funnel import EVENTS, LINES, ev
from tests.helpers import file_workspace_copy, workspace_from_tables


@pytest.fixture(scope="module")
def small():
    ws = workspace_from_tables(order_lines=LINES, events=EVENTS)
    yield ws
    ws.close()


def test_visits_take_their_customers_label_of_the_month_they_began(small):
    # c1 was "Champions" on 1 March, c5 "At Risk"; c2 has no label (no order before March); s3, s4, s6 anonymous
    labels = pd.DataFrame({"customer_id": ["c1", "c5", "c1"], "month": ["2024-03", "2024-03", "2024-02"],
                           "value": ["Champions", "At Risk", "Lost"]})
    f = funnel(small, by=("rfm",), labels={"rfm": labels})
    groups = {g["value"]: g for g in f.by}
    assert {v: g["entrants"] for v, g in groups.items()} == {"Champions": 1, "At Risk": 1, NOT_YET: 1, "unknown": 3}
    assert groups["unknown"]["orders_lost"] is None and groups["unknown"]["purchases"] == 0
    # At Risk (s5: bought outside the window) against the known rest only — s1 and s2 both bought: 1 × 2/2 − 0
    assert groups["At Risk"]["orders_lost"] == pytest.approx(1.0)
    assert not any(g["worse"] for g in f.by)                          # 1 visit each: too small to be tested
    assert all(g["small"] for g in f.by if g["value"] != "unknown") and f.by[0]["value"] == "At Risk"


def test_the_rest_leaves_anonymous_visits_out(small):
    # against every other visit (anonymous ones, which never buy here, included) the loss would be 1 × 1/5
    f = funnel(small, by=("visitor",))
    new = [g for g in f.by if g["value"] == "new"][0]
    assert (new["entrants"], new["purchases"]) == (2, 1)              # c2 (bought) and c5 (did not)
    assert new["orders_lost"] == pytest.approx(2 * 1 / 1 - 1)          # the rest: c1's one visit, which bought


def _segment_traffic(seed=3, n=1500):
    """Visits of 60 customers in April 2024; customers c0–c11 are 'At Risk' and buy far less often."""
    rng = np.random.default_rng(seed)
    events, i = [], 0
    for s in range(n):
        customer = f"c{s % 60}"
        buy_p = 0.08 if s % 60 < 12 else 0.3
        kinds = ["view", "cart", "checkout", "purchase"] if rng.random() < buy_p else ["view"]
        for k, kind in enumerate(kinds):
            i += 1
            events.append(ev(i, f"s{s}", f"2024-04-{1 + s % 28:02d} 10:{k:02d}", kind, customer))
    labels = pd.DataFrame({"customer_id": [f"c{c}" for c in range(60)], "month": "2024-04",
                           "value": ["At Risk" if c < 12 else "Loyal" for c in range(60)]})
    return workspace_from_tables(order_lines=LINES, events=events), labels


def test_a_segment_that_browses_without_buying_is_ranked_first_and_called_worse():
    ws, labels = _segment_traffic()
    try:
        f = funnel(ws, by=("rfm", "device"), labels={"rfm": labels})
        top = f.by[0]
        assert (top["dimension"], top["value"], top["worse"]) == ("rfm", "At Risk", True)
        loyal = [g for g in f.by if g["value"] == "Loyal"][0]
        expected = top["entrants"] * loyal["purchases"] / loyal["entrants"] - top["purchases"]
        assert top["orders_lost"] == pytest.approx(expected, abs=0.1) and top["orders_lost"] > 40
        assert not loyal["worse"] and top["p_adjusted"] >= top["p_value"]   # Holm over rfm and device groups
    finally:
        ws.close()


def test_labels_come_from_the_orders_before_each_month():
    lines = [dict(order_id="o1", customer_id="c1", ordered_at="2024-01-05", quantity=1, unit_price=5),
             dict(order_id="o2", customer_id="c1", ordered_at="2024-02-10", quantity=1, unit_price=5),
             dict(order_id="o3", customer_id="c2", ordered_at="2024-03-15", quantity=1, unit_price=5)]
    ws = workspace_from_tables(order_lines=lines)
    try:
        stages = labels_by_month(ws, ["2024-03", "2024-04"], "lifecycle")
        # too few gaps to measure the rhythm: active within 60 days, lapsed after 180 (the stated defaults)
        assert stages.sort_values(["month", "customer_id"]).values.tolist() == [
            ["c1", "2024-03", "new"],                 # first order 56 days before 1 March
            ["c1", "2024-04", "active"],              # 87 days after the first, 51 after the last
            ["c2", "2024-04", "new"]]                 # c2 had no order before 1 March: no row then
        segments = labels_by_month(ws, ["2024-04", "2024-03"], "rfm")
        assert set(segments["month"]) == {"2024-03", "2024-04"} and set(segments["value"]) <= set(SEGMENT_NAMES)
        assert len(segments) == 3
        with pytest.raises(ValueError, match="kind must be one of"):
            labels_by_month(ws, ["2024-03"], "clusters")
    finally:
        ws.close()


def test_funnel_by_month_and_week(small):
    f = funnel(small)
    [march] = funnel_by_period(f, "month")
    assert (march["period"], march["entrants"], march["completed"]) == ("2024-03", 6, 2)
    assert march["ci_low"] < 2 / 6 < march["ci_high"] and march["small"] and not march["complete"]
    weeks = funnel_by_period(f, "week")
    # s1 (Fri 1 March, crossing midnight) and s2 (Sun 3 March) in the week of Monday 26 February, both bought
    assert [(w["period"], w["entrants"], w["completed"]) for w in weeks] == [("2024-02-26", 2, 2),
                                                                            ("2024-03-04", 4, 0)]
    assert [s["sessions"] for s in weeks[0]["steps"]] == [2, 2, 2, 2]
    with pytest.raises(ValueError, match="period must be one of"):
        funnel_by_period(f, "quarter")


def test_cli_period_and_customer_dimensions(small, tmp_path):
    folder = file_workspace_copy(small, tmp_path, "Visits", ("order_lines", "events"))
    done = subprocess.run([sys.executable, "-m", "insights", "funnel", "--workspace", str(folder), "--json",
                           "--period", "week", "--by", "lifecycle"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["period"] == "week" and [p["entrants"] for p in data["periods"]] == [2, 4]
    values = {g["value"]: g["entrants"] for g in data["by"]}
    # c1 ordered on 1 January: "new" on 1 March (60 days by default); c2 and c5 had not ordered yet
    assert {g["dimension"] for g in data["by"]} == {"lifecycle"} and values == {"new": 1, NOT_YET: 2, "unknown": 3}
