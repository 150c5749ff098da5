"""CAC, payback and the channel map: a simulated shop with planted costs per new customer (its spend written as three
layouts with labels that differ from the CRM's), a payback worked out by hand, and a spend file whose every problem
is said in words."""

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest

from insights.acquisition import acquisition
from insights.acquisition import channels as channel_map
from insights.acquisition.display import channel_table
from insights.acquisition.payback import payback_months
from insights.acquisition.spend import allocate
from insights.cli import main
from insights.core import scores
from tests.acquisition.simulate import PLANTED_CAC, simulate
from tests.helpers import insert_rows, workspace_from_tables


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sim")
    truth = simulate(folder / "files")
    ws_path = folder / "ws"
    files = [str(folder / "files" / n) for n in ("customers.csv", "orders.csv", "meta_ads.csv", "google_ads.csv",
                                                  "budget.csv")]
    assert main(["ingest", *files, "--workspace", str(ws_path), "--yes"]) == 0
    return truth, ws_path


def test_cac_json_recovers_the_planted_cost_and_new_customers_of_every_channel(simulated, capsys):
    truth, ws_path = simulated
    capsys.readouterr()
    assert main(["cac", "--workspace", str(ws_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"channels", "blended", "by_month", "unmatched_spend"}
    got = {c["channel"]: c for c in out["channels"]}
    for channel, cac in PLANTED_CAC.items():
        assert got[channel]["new_customers"] == pytest.approx(truth[channel]["new"], rel=0.01)
        assert got[channel]["cac"] == pytest.approx(float(cac), rel=0.01)
        assert set(got[channel]) == {"channel", "spend", "new_customers", "cac", "clv", "clv_low", "clv_high",
                                     "ltv_cac", "payback_months", "payback_predicted", "roas"}
    assert got["Organic"]["spend"] == 0 and got["Organic"]["cac"] is None
    spend = sum(float(t["spend"]) for t in truth.values())
    people = sum(t["new"] for t in truth.values())
    assert out["blended"] == {"spend": pytest.approx(spend), "new_customers": people,
                              "cac": pytest.approx(spend / people, abs=0.01)}
    assert out["unmatched_spend"] == []
    # each month's CAC too, from a daily Google report, a monthly Meta export and the owner's sheet
    assert {(m["channel"], m["cac"]) for m in out["by_month"]} == {(c, float(v)) for c, v in PLANTED_CAC.items()}
    assert {m["label"]: m["channel"] for m in out["channel_map"]} == {
        "Google Ads Search": "Paid Search", "Meta Ads": "Paid Social", "influencers": "Influencer"}


def test_cac_in_words_for_the_owner(simulated, capsys):
    _, ws_path = simulated
    capsys.readouterr()
    assert main(["cac", "--workspace", str(ws_path), "--since", "2024-03-01", "--until", "2024-04-30"]) == 0
    text = capsys.readouterr().out
    assert " customers cost €" in text.splitlines()[0] and "CAC €80" in text and "CAC €51" in text
    assert "Organic" in text and "no spend" in text and "Blended CAC €" in text


def test_payback_months_match_a_hand_computation():
    # Paid Social brought A and B in January. A: 30 in Jan, 40 in Mar. B: 20 in Jan, 25 in Feb. Spend 60: CAC 30.
    # Cumulative revenue per customer: month 1 (Jan) (30 + 20) / 2 = 25 < 30; month 2 (Feb) (30 + 45) / 2 = 37.5.
    lines = [dict(order_id=o, customer_id=c, ordered_at=dt.datetime(2024, m, 5), quantity=1, unit_price=p,
                  revenue=p, channel=None)
             for o, c, m, p in (("1", "A", 1, 30), ("2", "B", 1, 20), ("3", "B", 2, 25), ("4", "A", 3, 40))]
    crm = [dict(customer_id=c, channel="Paid Social") for c in "AB"]
    ws = workspace_from_tables(order_lines=lines, customer_records=crm)
    insert_rows(ws, "spend", [dict(spend_id=1, source_file="f", source_row=2, period_start=dt.date(2024, 1, 1),
                                   period_end=dt.date(2024, 1, 31), channel="Meta Ads", amount=Decimal(60),
                                   currency=None)])
    row = acquisition(ws).channels.set_index("channel").loc["Paid Social"]
    assert (row["cac"], row["new_customers"], row["payback_months"], row["payback_predicted"]) == (30.0, 2, 2, False)
    assert row["roas"] == pytest.approx(115 / 60, abs=0.01)
    # with a 50 % gross margin: month 3 gives (15 + 10 + 12.5 + 20) / 2 = 28.75 < 30: not paid back in the data
    half = acquisition(ws, margin_rate=0.5).channels.set_index("channel").loc["Paid Social"]
    assert half["payback_months"] is None or half["payback_months"] != half["payback_months"]   # None / NaN
    assert payback_months(30.0, [12.5, 18.75, 28.75], 12.0, 0.5) == (6, True)   # 0.5 a month after month 3


def test_spend_file_problems_are_each_said_in_words_and_nothing_is_counted_twice(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text("Order ID,Customer ID,Order date,Quantity,Unit price,Currency\n"
                      "1,A,2024-01-05,1,50.00,EUR\n2,B,2024-01-20,1,40.00,EUR\n3,C,2024-02-03,1,45.00,EUR\n"
                      "4,A,2024-02-10,1,30.00,EUR\n", encoding="utf-8")
    crm = tmp_path / "customers.csv"
    crm.write_text("Customer ID,Email,Acquisition channel\nA,a@example.com,Paid Social\nB,b@example.com,paid social\n"
                   "C,c@example.com,\n", encoding="utf-8")
    spend = tmp_path / "budget.csv"
    spend.write_text("Month,Channel,Campaign,Spend,Currency\n"
                     "Dec 2023,Meta Ads,Warm-up,100.00,EUR\n"          # before the first order
                     "Jan 2024,Meta Ads,Voorjaar,60.00,EUR\n"
                     "Jan 2024,Podcast,Koffiepraat,25.00,EUR\n"        # a channel nobody was acquired by
                     "Feb 2024,Meta Ads,Voorjaar,30.00,USD\n"          # another currency
                     "Total,,,215.00,\n", encoding="utf-8")
    ws_path = tmp_path / "ws"
    assert main(["ingest", str(orders), str(crm), str(spend), "--workspace", str(ws_path), "--yes", "--json"]) == 0
    loaded = {f["name"]: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert loaded["budget.csv"]["kind"] == "spend" and loaded["budget.csv"]["rows_set_aside"] == 1
    assert loaded["budget.csv"]["spend_by_currency"] == {"EUR": 185.0, "USD": 30.0}
    assert main(["cac", "--workspace", str(ws_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    notes = " ".join(out["notes"])
    assert "$30.00 of spend is in USD, not in the orders' currency (EUR)" in notes
    assert "€100.00 of spend falls in Dec 2023, outside the months the orders cover (Jan 2024 – Feb 2024)" in notes
    assert "Spend labelled “Podcast” (€25.00) is not in any channel's CAC" in notes
    assert "1 had no channel" in notes
    assert out["unmatched_spend"] == [{"label": "Podcast", "spend": 25.0}]
    social = {c["channel"]: c for c in out["channels"]}["Paid Social"]
    assert (social["spend"], social["new_customers"], social["cac"]) == (60.0, 2, 30.0)
    # blended: the 60 and the 25 (not the totals row, the USD or December) over all three new customers
    assert out["blended"] == {"spend": 85.0, "new_customers": 3, "cac": 28.33}
    assert out["paid"] == {"spend": 60.0, "new_customers": 2, "cac": 30.0}


def test_the_channel_map_is_editable_and_remembered(tmp_path):
    labels = ["Meta Ads", "paid_search", "Google Ads Search", "PODCAST"]
    shop = ["Paid Social", "Paid Search", "Organic"]
    chosen = {k: (v.channel, v.rule) for k, v in channel_map.choose(labels, shop).items()}
    assert chosen == {"Meta Ads": ("Paid Social", "same family (paid social)"),
                      "paid_search": ("Paid Search", "same name"),
                      "Google Ads Search": ("Paid Search", "same family (paid search)"),
                      "PODCAST": (None, "no match")}
    ws = workspace_from_tables()
    channel_map.remember(ws, "podcast", "Organic")
    channel_map.remember(ws, "Meta-Ads", None)
    saved = channel_map.saved_map(ws)
    again = {k: (v.channel, v.rule) for k, v in channel_map.choose(labels, shop, saved).items()}
    assert again["PODCAST"] == ("Organic", "yours") and again["Meta Ads"] == (None, "yours")
    channel_map.forget(ws, "meta ads")
    assert channel_map.choose(["Meta Ads"], shop, channel_map.saved_map(ws))["Meta Ads"].channel == "Paid Social"


def test_a_period_across_months_is_split_by_days_to_the_cent():
    parts = allocate(Decimal("100.00"), dt.date(2024, 1, 15), dt.date(2024, 2, 14))
    assert parts == [(dt.date(2024, 1, 1), Decimal("54.84")), (dt.date(2024, 2, 1), Decimal("45.16"))]
    assert sum(p for _, p in parts) == Decimal("100.00")


def test_the_sample_shop_recovers_its_planted_paid_social_cost(sample_workspace):
    result = acquisition(sample_workspace)
    social = result.channels.set_index("channel").loc["Paid Social"]
    assert social["cac"] == pytest.approx(140, rel=0.03)        # PAID_SOCIAL_CAC, ×0.85–1.15 noise per month
    assert result.unmatched_spend == [{"label": "Influencers", "spend": 450.0}]
    assert {c.label: c.channel for c in result.mapping} == {"Meta Ads": "Paid Social", "email_tool": "Email",
                                                            "Influencers": None}


def test_stored_predictions_give_value_with_its_interval_and_a_predicted_payback():
    # one Paid Social customer: 20 in January, nothing since (data to March); spend 80: CAC 80
    lines = [dict(order_id="1", customer_id="A", ordered_at=dt.datetime(2024, 1, 5), quantity=1, unit_price=20,
                  revenue=20, currency="EUR"),
             dict(order_id="2", customer_id="B", ordered_at=dt.datetime(2024, 3, 5), quantity=1, unit_price=10,
                  revenue=10, currency="EUR")]
    ws = workspace_from_tables(order_lines=lines, customer_records=[dict(customer_id="A", channel="Paid Social")])
    insert_rows(ws, "spend", [dict(spend_id=1, source_file="f", source_row=2, period_start=dt.date(2024, 1, 1),
                                   period_end=dt.date(2024, 1, 31), channel="Facebook Ads", amount=Decimal(80),
                                   currency="EUR")])
    assert acquisition(ws).value_source == "realised"
    # a year ahead: 120 expected (80–200): 10 a month after the 3 months seen, 20 + 10 k >= 80 at k = 6 -> month 9
    scores.write(ws, "clv", pd.DataFrame({"customer_id": ["A", "B"], "clv": [120.0, 5.0], "clv_low": [80.0, 1.0],
                                          "clv_high": [200.0, 9.0]}))
    result = acquisition(ws)
    row = result.channels.set_index("channel").loc["Paid Social"]
    assert result.value_source == "predicted"
    assert (row["clv"], row["clv_low"], row["clv_high"]) == (140.0, 100.0, 220.0)      # bought 20 + predicted
    assert (row["ltv_cac"], row["payback_months"], row["payback_predicted"]) == (1.75, 9, True)
    assert "are expected to bring €140 each: paid back in 9 months (predicted)" in result.headline()
    shown = channel_table(result).set_index("Channel").loc["Paid Social"]
    assert shown["Likely range"] == "€100 – €220" and shown["Paid back in (months)"] == "9 (predicted)"


def test_a_shop_with_orders_but_no_spend_gets_its_new_customers_and_no_cac():
    """No spend file yet: the new customers per channel are still counted and no CAC is invented (this raised
    KeyError 'label' when the empty spend frame was indexed with an empty object mask)."""
    from insights.acquisition.cac import acquisition as acquisition_of
    from tests.customers.test_segments import LINES
    from tests.helpers import workspace_from_tables
    ws = workspace_from_tables(order_lines=LINES)
    try:
        result = acquisition_of(ws)
        assert result.unmatched_spend == []
        assert result.blended["new_customers"] > 0 and result.blended.get("cac") is None
    finally:
        ws.close()
