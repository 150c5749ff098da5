"""A campaign list with a held-back control, read against the orders that follow (issue 21 section 2): a planted
lift is found and the pre-period adjustment (CUPED) narrows its interval; random splits of the same shop find
nothing beyond the nominal rate; every row of the list is accounted for."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from insights.cli import main
from insights.core.workspace import Workspace
from insights.core.margin import set_default_margin
from insights.experiments.campaign import MARGIN, analyse_campaign, read_assignment
from insights.experiments.result_file import ExperimentError
from tests.helpers import file_workspace_copy, insert_rows, workspace_from_tables

SENT = dt.datetime(2024, 6, 1, 9, 0)


def simulated_shop(n: int, lift: float, seed: int, control_share: float = 0.1):
    """(order lines, CRM rows, assignment frame): every customer is in the CRM; each customer buys at their own rate λ (gamma-distributed, so the past
    predicts the future); in the 30 days after the send the treated buy at λ × (1 + lift)."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.8, 4.0, n) / 365            # orders per day
    treated = rng.random(n) >= control_share
    lines, order = [], 0
    for i in range(n):
        before = rng.poisson(rate[i] * 365)
        after = rng.poisson(rate[i] * 30 * (1 + lift * treated[i]))
        days = list(-rng.uniform(0, 365, before)) + list(rng.uniform(0, 30, after))
        for d in days:
            order += 1
            lines.append(dict(order_id=f"O{order}", customer_id=f"C{i}", email=f"c{i}@example.com",
                              ordered_at=(SENT + dt.timedelta(days=float(d))).strftime("%Y-%m-%d %H:%M"),
                              quantity=1, unit_price=f"{rng.gamma(4, 10):.2f}"))
    # the data runs 40 days past the send, so every 30-day window is complete
    lines.append(dict(order_id="LAST", customer_id="Z", ordered_at="2024-07-11 10:00", quantity=1, unit_price="1"))
    assignment = pd.DataFrame({"Email": [f"C{i}@Example.com " for i in range(n)],
                               "group": np.where(treated, "treated", "control"),
                               "sent_at": SENT.strftime("%d/%m/%Y")})
    crm = [dict(customer_id=f"C{i}", email=f"c{i}@example.com", name=f"Customer {i}") for i in range(n)]
    return lines, crm, assignment


@pytest.fixture(scope="module")
def planted():
    lines, crm, assignment = simulated_shop(3000, lift=0.6, seed=7)
    ws = workspace_from_tables(order_lines=lines, customer_records=crm)
    yield ws, assignment
    ws.close()


def test_a_planted_lift_is_found_and_the_adjustment_narrows_its_interval(planted, tmp_path):
    ws, assignment = planted
    path = tmp_path / "campaign.csv"
    assignment.to_csv(path, index=False)
    found = analyse_campaign(ws, read_assignment(path), window_days=30, currency="EUR")
    data = found.to_dict()
    assert data["control"] == "control" and data["window_complete"] is True
    units = {v["label"]: v["units"] for v in data["variants"]}
    assert units["control"] + units["treated"] == 3000 and 250 < units["control"] < 350
    orders = next(m for m in data["metrics"] if m["metric"] == "orders per customer")
    assert orders["significant"] and orders["diff_low"] > 0
    # the truth: treated buy 1.6× the control's rate; the estimated relative lift's interval covers +60%
    assert orders["rel_diff"] == pytest.approx(0.6, abs=0.25)
    # a 10% hold-back: the control's spread dominates; the adjustment still narrows every interval
    assert all(v > 0.02 for v in data["adjustment"]["interval_narrower_by"].values())
    assert data["srm"]["expected_split"] == [0.1, 0.9] and not data["srm"]["flagged"]
    assert "nearest round split" in data["notes"][0]
    unadjusted = next(m for m in data["unadjusted_metrics"] if m["metric"] == "orders per customer")
    assert orders["diff_high"] - orders["diff_low"] < unadjusted["diff_high"] - unadjusted["diff_low"]
    assert "treated raised orders per customer" in found.verdict and "CUPED" in orders["method"]


def test_an_even_split_gains_more_from_the_adjustment():
    lines, crm, assignment = simulated_shop(3000, lift=0.6, seed=7, control_share=0.5)
    ws = workspace_from_tables(order_lines=lines, customer_records=crm)
    try:
        found = analyse_campaign(ws, read_assignment(assignment.to_csv(index=False).encode(), name="even.csv"))
    finally:
        ws.close()
    narrower = found.narrower
    assert narrower["orders per customer"] > 0.08 and narrower["revenue per customer"] > 0.06
    assert found.to_dict()["srm"]["expected_split"] == [0.5, 0.5]


def test_random_splits_of_the_same_shop_find_nothing_beyond_the_nominal_rate(planted):
    ws, assignment = planted
    rng = np.random.default_rng(3)
    significant = 0
    for _ in range(30):
        shuffled = assignment.assign(group=rng.permutation(np.where(rng.random(len(assignment)) < 0.5, "control",
                                                                     "B")))
        # only the control customers of the planted shop: nobody got the campaign, the split is random
        aa = shuffled[assignment["group"] == "control"]
        data = analyse_campaign(ws, read_assignment(aa.to_csv(index=False).encode(), name="aa.csv")).to_dict()
        significant += any(m["significant"] for m in data["metrics"])
    assert significant <= 4           # 30 A/A splits at 5% with Holm over three metrics: about 1.5 expected


def test_every_row_of_the_list_is_loaded_or_excluded_with_its_reason(planted):
    ws, _ = planted
    rows = pd.DataFrame({
        "customer": ["c1@example.com", "c2@example.com", "c2@example.com", "c3@example.com", "c3@example.com",
                     "nobody@example.com", "", "c4@example.com", "c5@example.com", "c6@example.com"],
        "variant": ["control", "treated", "treated", "control", "treated", "treated", "treated", "", "control",
                    "treated"],
        "sent": ["2024-06-01"] * 8 + ["not a date", "2024-06-01"],
    })
    data = analyse_campaign(ws, read_assignment(rows.to_csv(index=False).encode(), name="list.csv",
                                                sent=None)).to_dict()
    reasons = {e["reason"]: e["rows"] for e in data["exclusions"]}
    assert reasons == {"no group in column 'variant'": 1, "no customer in column 'customer'": 1,
                       "no send date Clueboard can read in column 'sent'": 1,
                       "names nobody in this workspace (no customer with that e-mail or id)": 1,
                       "customer listed in two groups": 2, "customer listed twice (first row kept)": 1}
    kept = sum(v["units"] for v in data["variants"])
    assert kept + sum(reasons.values()) == len(rows)          # c1, c2 (once), c6


def test_an_open_window_is_said_and_a_missing_send_date_is_asked_for(tmp_path):
    lines, crm, assignment = simulated_shop(200, lift=0.0, seed=1)
    lines = [x for x in lines if x["ordered_at"] < "2024-06-11" and x["order_id"] != "LAST"]
    ws = workspace_from_tables(order_lines=lines, customer_records=crm)
    try:
        found = analyse_campaign(ws, read_assignment(assignment.to_csv(index=False).encode(), name="c.csv"))
        assert found.window_complete is False
        late = [n for n in found.notes if "after the last day of your data" in n]
        assert late and "at most 10 days" in late[0]
        assert found.verdict.startswith("Provisional — the 30-day window after the send is not over yet")
        assert all(line.endswith("(provisional)") for line in found.result.details)
        undated = assignment.drop(columns="sent_at").to_csv(index=False).encode()
        with pytest.raises(ExperimentError, match="--sent YYYY-MM-DD"):
            read_assignment(undated, name="undated.csv")
        assert read_assignment(undated, name="undated.csv", sent="2024-06-01").units["sent_at"].nunique() == 1
    finally:
        ws.close()


def test_ids_as_the_files_write_them_name_customers_too(tmp_path):
    ws = Workspace.create("Ids", root=tmp_path)
    try:
        insert_rows(ws, "order_lines", [dict(order_id="1", customer_id="K1", source_customer_id="  SHOP-1",
                                             ordered_at="2024-06-03 10:00", quantity=1, unit_price="10"),
                                        dict(order_id="2", customer_id="K2", source_customer_id="SHOP-2",
                                             ordered_at="2024-05-03 10:00", quantity=1, unit_price="10")])
        ws.build_marts()
        listed = pd.DataFrame({"customer_id": ["SHOP-2", "K1"], "group": ["control", "treated"]})
        assignment = read_assignment(listed.to_csv(index=False).encode(), name="ids.csv", sent="2024-06-01")
        data = analyse_campaign(ws, assignment, window_days=7).to_dict()
        assert {v["label"]: v["units"] for v in data["variants"]} == {"control": 1, "treated": 1}
    finally:
        ws.close()


def test_cli_reads_a_campaign_list_against_the_workspace(planted, tmp_path, capsys):
    ws, assignment = planted
    folder = file_workspace_copy(ws, tmp_path / "ws", "Campaign", ("order_lines", "customer_records"))
    listed = tmp_path / "list.xlsx"
    assignment.to_excel(listed, index=False)
    assert main(["experiment", "--workspace", str(folder), "--treated", str(listed), "--window-days", "30",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["window_days"] == 30 and data["control"] == "control"
    assert any(m["metric"] == "orders per customer" and m["significant"] for m in data["metrics"])
    assert main(["experiment", "--workspace", str(folder), "--treated", str(listed)]) == 0
    assert "narrower" in capsys.readouterr().out


def test_gross_margin_is_an_outcome_where_costs_are_known(tmp_path):
    """600 customers, +60% planted. Without costs there is no margin metric; with the owner's default margin of
    40%, every line's margin is 40% of its revenue, so the margin difference is 40% of the revenue difference."""
    lines, crm, assignment = simulated_shop(600, lift=0.6, seed=3, control_share=0.5)
    ws = workspace_from_tables(order_lines=lines, customer_records=crm)
    path = tmp_path / "list.csv"
    assignment.to_csv(path, index=False)
    listed = read_assignment(path)
    without = analyse_campaign(ws, listed, window_days=30, currency="EUR")
    assert MARGIN not in {c.metric for c in without.result.comparisons}
    set_default_margin(ws, 40)
    found = analyse_campaign(ws, listed, window_days=30, currency="EUR")
    ws.close()
    plain = {c.metric: c for c in found.unadjusted.comparisons}
    margin, revenue = plain[MARGIN], plain["revenue per customer"]
    assert margin.diff == pytest.approx(0.4 * revenue.diff, abs=1e-6)
    assert margin.control_value == pytest.approx(0.4 * revenue.control_value, abs=1e-6)
    assert margin.p_value == pytest.approx(revenue.p_value, rel=1e-6)
    data = found.to_dict()
    assert MARGIN in data["adjustment"]["interval_narrower_by"]
    assert any(n.startswith("Gross margin per customer: Gross margin from the default margin of 40%")
               for n in data["notes"])
    adjusted = next(m for m in data["metrics"] if m["metric"] == MARGIN)
    assert "gross margin in the 365 days before" in adjusted["method"]
