"""KPI scorecard on tiny shops whose every figure can be worked out on paper."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from insights.performance import kpis
from insights.performance.kpis.bridge import shapley
from tests.helpers import workspace_from_tables

D = dt.date


def line(order_id, customer_id, at, qty, price, **kw):
    row = dict(order_id=order_id, customer_id=customer_id, ordered_at=at, quantity=qty, unit_price=price,
               currency="EUR")
    row.update(kw)
    return row


# c1: first order 5 Jan, second 3 Feb, whose value is cancelled the next day by a separate credit note C3.
# c2: one order 20 Jan.  c3: first order 10 Feb, second 1 Mar.  A5 is a guest order.
LINES = [
    line("A1", "c1", "2024-01-05 10:00", 2, "10", channel="web", country="DE", category="Garden"),
    line("A2", "c2", "2024-01-20 15:00", 1, "30", channel="shop", country="DE", category="Tools"),
    line("A3", "c1", "2024-02-03 09:30", 1, "15", channel="web", country="FR", category="Garden"),
    line("C3", "c1", "2024-02-04 09:30", -1, "15", is_cancellation=True, channel="web", country="FR",
         category="Garden"),
    line("A4", "c3", "2024-02-10 11:00", 4, "5", channel="web", country="DE", category="Garden"),
    line("A5", None, "2024-02-11 11:00", 1, "7", channel="shop", country="DE", category="Tools"),
    line("A6", "c3", "2024-03-01 11:00", 1, "8", channel="web", country="DE", category="Tools"),
]

EVENTS = [  # two sessions in February: s1 (c3) goes all the way, s2 (anonymous) only views
    dict(event_id=1, session_id="s1", customer_id="c3", event_at="2024-02-10 10:50", event_type="view"),
    dict(event_id=2, session_id="s1", customer_id="c3", event_at="2024-02-10 10:55", event_type="cart"),
    dict(event_id=3, session_id="s1", customer_id="c3", event_at="2024-02-10 10:58", event_type="checkout"),
    dict(event_id=4, session_id="s1", customer_id="c3", event_at="2024-02-10 11:00", event_type="purchase"),
    dict(event_id=5, session_id="s2", customer_id=None, event_at="2024-02-12 09:00", event_type="view"),
]

FEEDBACK = [  # February NPS: 10, 9, 7, 3 -> 50% promoters - 25% detractors = 25; CSAT 5, 4, 2 -> 2/3
    dict(feedback_id=i, submitted_at="2024-02-15", kind=kind, score=score)
    for i, (kind, score) in enumerate([("nps", 10), ("nps", 9), ("nps", 7), ("nps", 3),
                                       ("csat", 5), ("csat", 4), ("csat", 2)])
]


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES, events=EVENTS, feedback=FEEDBACK)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def monthly(shop):
    return kpis.kpi_table(shop, "month").set_index("period")


def test_monthly_counts_and_money(monthly):
    jan, feb, mar = (monthly.loc[D(2024, m, 1)] for m in (1, 2, 3))
    assert list(monthly.index) == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
    assert (jan.customers_active, jan.new_customers, jan.orders, jan.net_revenue) == (2, 2, 2, 50)
    # Feb: orders A3, A4 and guest A5 (C3 is wholly cancelled: not an order, but its -15 counts)
    assert (feb.customers_active, feb.new_customers, feb.returning_customers, feb.orders) == (2, 1, 1, 3)
    assert feb.net_revenue == pytest.approx(15 - 15 + 20 + 7)
    assert feb.aov == pytest.approx(27 / 3)
    assert feb.revenue_per_customer == pytest.approx((15 - 15 + 20) / 2)  # identified customers only
    assert feb.orders_per_customer == pytest.approx(2 / 2)
    assert (mar.customers_active, mar.new_customers, mar.orders, mar.net_revenue) == (1, 0, 1, 8)


def test_repeat_behaviour(monthly):
    jan, feb, mar = (monthly.loc[D(2024, m, 1)] for m in (1, 2, 3))
    assert feb.reorder_rate == pytest.approx(1 / 2)          # A3 is c1's second order; A4 is c3's first
    assert feb.days_between_orders == pytest.approx(29)      # 5 Jan -> 3 Feb
    assert mar.days_between_orders == pytest.approx(20)      # 10 Feb -> 1 Mar
    assert jan.repeat_purchase_rate == 0
    assert feb.repeat_purchase_rate == pytest.approx(1 / 3)  # c1 of c1, c2, c3
    assert mar.repeat_purchase_rate == pytest.approx(2 / 3)  # c1 and c3


def test_retention_and_churn(monthly):
    jan, feb, mar = (monthly.loc[D(2024, m, 1)] for m in (1, 2, 3))
    assert pd.isna(jan.retention) and pd.isna(jan.churn_rate)
    assert feb.retention == pytest.approx(1 / 2)   # of Jan's c1, c2 only c1 came back
    assert feb.churn_rate == pytest.approx(1 / 2)
    assert mar.retention == pytest.approx(1 / 2)   # of Feb's c1, c3 only c3


def test_activation_only_when_the_window_has_passed(monthly):
    jan = monthly.loc[D(2024, 1, 1)]
    assert jan.activation_30 == pytest.approx(1 / 2)  # c1 reordered after 29 days, c2 never
    # the data ends 1 Mar: c2's 60-day window (to 20 Mar) is not over, so 60/90 are unknown
    assert pd.isna(jan.activation_60) and pd.isna(jan.activation_90)


def test_web_funnel_and_feedback(monthly):
    feb = monthly.loc[D(2024, 2, 1)]
    assert feb.sessions == 2
    assert feb.session_conversion == pytest.approx(1 / 2)
    assert (feb.view_to_cart, feb.cart_to_checkout, feb.checkout_to_purchase) == (0.5, 1.0, 1.0)
    # prospects: c3 (had not ordered before Feb, ordered in Feb) and anonymous session s2 -> 1 of 2
    assert feb.first_order_conversion == pytest.approx(1 / 2)
    assert feb.nps == pytest.approx(25)
    assert feb.csat == pytest.approx(2 / 3)
    assert pd.isna(monthly.loc[D(2024, 1, 1)].nps)


def test_without_events_or_feedback_those_kpis_are_hidden():
    ws = workspace_from_tables(order_lines=LINES)
    table = kpis.kpi_table(ws, "month")
    shown = kpis.available_kpis(table)
    assert "sessions" not in shown and "nps" not in shown and "net_revenue" in shown
    assert table["sessions"].isna().all()
    ws.close()


def test_week_quarter_and_custom_periods(shop):
    weekly = kpis.kpi_table(shop, "week").set_index("period")
    assert weekly.index[0] == D(2024, 1, 1)                 # a Monday
    assert weekly.loc[D(2024, 1, 8), "orders"] == 0         # empty weeks are listed with zeros
    assert weekly["orders"].sum() == 6
    quarterly = kpis.kpi_table(shop, "quarter")
    assert len(quarterly) == 1 and quarterly.loc[0, "orders"] == 6 and quarterly.loc[0, "customers_active"] == 3
    custom = kpis.kpi_table(shop, "custom", start="2024-02-01", end="2024-02-14")
    row = custom.iloc[0]
    assert (row.period, row.period_end, row.orders, row.net_revenue) == (D(2024, 2, 1), D(2024, 2, 15), 3, 27)
    assert row.retention == 0  # c2 ordered in the 14 days before, and not again
    window = kpis.kpi_table(shop, "month", start="2024-02-10", end="2024-02-20")
    assert list(window["period"]) == [D(2024, 2, 1)]


def test_bad_arguments_say_what_was_expected(shop):
    with pytest.raises(ValueError, match="week, month, quarter or custom"):
        kpis.kpi_table(shop, "fortnight")
    with pytest.raises(ValueError, match="before the start"):
        kpis.kpi_table(shop, "custom", start="2024-02-10", end="2024-02-01")
    with pytest.raises(ValueError, match="expected a date"):
        kpis.kpi_table(shop, "month", start="yesterday")


def test_compare_with_previous_period_and_last_year():
    ws = workspace_from_tables(order_lines=[
        line("Y1", "a", "2023-02-10 12:00", 1, "40"),
        line("P1", "a", "2024-01-10 12:00", 1, "50"),
        line("N1", "a", "2024-02-10 12:00", 1, "80"),
        line("N2", "b", "2024-02-11 12:00", 1, "20"),
    ])
    table = kpis.compare_periods(ws, "month", "2024-02-20").set_index("kpi")
    rev = table.loc["net_revenue"]
    assert (rev.current, rev.previous, rev.last_year) == (100, 50, 40)
    assert rev.change_pct == pytest.approx(1.0) and rev.yoy_pct == pytest.approx(1.5)
    assert table.loc["orders", "current"] == 2 and table.loc["orders", "previous"] == 1
    custom = kpis.compare_periods(ws, "custom", ("2024-02-01", "2024-02-29")).set_index("kpi")
    assert custom.loc["net_revenue", "current"] == 100
    assert custom.loc["net_revenue", "last_year"] == 40
    ws.close()


def test_targets_are_stored_and_judged(shop):
    before = shop.content_hash()
    kpis.set_target(shop, "net_revenue", 25, "month")                       # every month
    kpis.set_target(shop, "net_revenue", 60, "month", "2024-02-01")         # February only
    kpis.set_target(shop, "churn_rate", 0.6, "month")                       # lower is better
    assert shop.content_hash() == before                                    # cached figures stay valid
    feb = kpis.compare_periods(shop, "month", "2024-02-01").set_index("kpi")
    assert feb.loc["net_revenue", "target"] == 60 and feb.loc["net_revenue", "status"] == "missed"
    assert feb.loc["churn_rate", "status"] == "met"                          # 0.5 <= 0.6
    mar = kpis.compare_periods(shop, "month", "2024-03-15").set_index("kpi")
    assert mar.loc["net_revenue", "target"] == 25 and mar.loc["net_revenue", "status"] == "missed"
    jan = kpis.compare_periods(shop, "month", "2024-01-15").set_index("kpi")
    assert jan.loc["net_revenue", "status"] == "met"
    kpis.set_target(shop, "net_revenue", None, "month", "2024-02-01")      # remove the February one
    assert kpis.target_for(kpis.targets(shop, "month"), "net_revenue", D(2024, 2, 1)) == 25
    assert kpis.targets(shop, "week").empty
    with pytest.raises(ValueError, match="unknown KPI"):
        kpis.set_target(shop, "happiness", 1)
    for key in ("net_revenue", "churn_rate"):
        kpis.set_target(shop, key, None, "month")


# ----- the revenue bridge ----------------------------------------------------------------------------
def test_bridge_by_hand(shop):
    bridge = kpis.revenue_bridge(shop, "2024-01-01", "2024-02-01")
    assert (bridge["revenue_a"], bridge["revenue_b"], bridge["change"]) == (50, 27, -23)
    effects = {(r.group, r.factor): r.amount for r in bridge["effects"].itertuples()}
    # new: 2 customers x 1 order x €25 -> 1 x 1 x €20. Shapley with two moving factors:
    # customers ½(−1·25 + −1·20) = −22.5, AOV ½(−5·2 + −5·1) = −7.5
    assert effects[("new", "customers")] == Decimal("-22.5")
    assert effects[("new", "aov")] == Decimal("-7.5")
    assert effects[("new", "orders_per_customer")] == 0
    assert effects[("guests", "revenue")] == 7                # guest order A5
    assert sum(effects.values()) == bridge["change"]          # exactly, in Decimal
    assert bridge["currency"] == "EUR"


def test_bridge_keeps_refunds_without_an_order_apart():
    ws = workspace_from_tables(order_lines=[
        line("A1", "a", "2024-01-05 10:00", 2, "10"),
        line("B1", "b", "2024-01-06 10:00", 1, "10"),
        line("A2", "a", "2024-02-05 10:00", 1, "30"),
        line("CB", "b", "2024-02-07 10:00", -1, "10", is_cancellation=True),  # b: only a refund in Feb
    ])
    bridge = kpis.revenue_bridge(ws, "2024-01-15", "2024-02-15")
    effects = {(r.group, r.factor): r.amount for r in bridge["effects"].itertuples()}
    assert effects[("refunds", "revenue")] == -10
    assert bridge["change"] == Decimal(20) - Decimal(30)
    assert sum(effects.values()) == bridge["change"]
    ws.close()


def test_shapley_is_exact_and_fair():
    before = (Fraction(3), Fraction(2), Fraction(10))
    after = (Fraction(4), Fraction(2), Fraction(12))
    parts = shapley(before, after)
    assert sum(parts) == 4 * 2 * 12 - 3 * 2 * 10
    assert parts[1] == 0                       # a factor that does not move gets nothing
    swapped = shapley((before[2], before[1], before[0]), (after[2], after[1], after[0]))
    assert swapped[::-1] == parts              # the order of the factors does not matter


def test_bridge_adds_up_exactly_on_random_shops():
    rng = random.Random(7)
    for _ in range(3):
        rows = []
        for i in range(120):
            day = dt.datetime(2024, 1, 1) + dt.timedelta(days=rng.randrange(90), minutes=rng.randrange(1440))
            cust = rng.choice([None] + [f"c{k}" for k in range(25)])
            qty = rng.choice([1, 2, 3, -1])
            rows.append(line(f"O{i}", cust, day.isoformat(sep=" "), qty, f"{rng.uniform(1, 99):.2f}",
                             is_cancellation=qty < 0))
        ws = workspace_from_tables(order_lines=rows)
        for a, b in (("2024-01-01", "2024-02-01"), ("2024-02-01", "2024-03-01")):
            bridge = kpis.revenue_bridge(ws, a, b)
            assert bridge["effects"]["amount"].sum() == bridge["change"]
            b_start, b_stop = bridge["range_b"]
            total_b = ws.con.execute("select coalesce(sum(revenue), 0) from order_lines "
                                     "where ordered_at >= ? and ordered_at < ?", [b_start, b_stop]).fetchone()[0]
            assert bridge["revenue_b"] == total_b
        ws.close()


def test_movers_and_sentences(shop):
    bridge = kpis.revenue_bridge(shop, "2024-01-01", "2024-02-01")
    movers = bridge["largest_movers"]
    by = {(r.dimension, r.value): r.change for r in movers.itertuples()}
    # Jan: Garden 20, Tools 30 / web 20, shop 30 / DE 50. Feb: Garden 15-15+20, Tools 7 / web 20, shop 7 /
    # DE 27, FR 0. Values that did not move are left out.
    assert by == {("category", "Tools"): -23, ("channel", "shop"): -23, ("country", "DE"): -23}
    sentences = kpis.explain_bridge(bridge)
    assert sentences[0].startswith("Revenue fell 46% vs January 2024")
    assert "fewer new customers" in sentences[0] and "€" in sentences[0]
    assert any(s.startswith("Next step:") for s in sentences)


def test_bridge_with_custom_ranges_and_growth(shop):
    bridge = kpis.revenue_bridge(shop, ("2024-03-01", "2024-03-31"), ("2024-02-01", "2024-02-29"))
    assert bridge["change"] == 27 - 8
    assert bridge["effects"]["amount"].sum() == bridge["change"]
    assert kpis.explain_bridge(bridge)[0].startswith("Revenue rose")


# ----- demand by hour ----------------------------------------------------------------------------------
def test_demand_heatmap_counts_orders_by_weekday_and_hour(shop):
    grid = kpis.demand_heatmap(shop)
    assert grid.attrs["reason"] is None
    assert grid["orders"].sum() == 6
    friday_10 = grid[(grid["weekday"] == 5) & (grid["hour"] == 10)]   # 5 Jan 2024 was a Friday
    assert friday_10["orders"].tolist() == [1] and friday_10["weekday_name"].tolist() == ["Friday"]


def test_demand_heatmap_explains_date_only_data():
    ws = workspace_from_tables(order_lines=[line("A", "a", "2024-01-05", 1, "1"), line("B", "b", "2024-01-06", 1, "1")])
    grid = kpis.demand_heatmap(ws)
    assert grid.empty and "no time of day" in grid.attrs["reason"]
    ws.close()


# ----- marts -------------------------------------------------------------------------------------------
def test_kpi_marts_keys_and_totals(shop):
    con = shop.con
    n, distinct, null_ids = con.execute(
        "select count(*), count(distinct order_id), count(*) - count(order_id) from kpi_order_facts").fetchone()
    assert n == distinct == con.execute("select count(*) from orders").fetchone()[0] and null_ids == 0
    lines_total = con.execute("select sum(revenue) from order_lines").fetchone()[0]
    assert con.execute("select sum(net_revenue) from kpi_order_facts").fetchone()[0] == lines_total
    assert con.execute("select sum(net_revenue) from kpi_category_day").fetchone()[0] == lines_total
    dup = con.execute("select count(*) from (select order_date, category from kpi_category_day "
                      "group by all having count(*) > 1)").fetchone()[0]
    assert dup == 0
    # the order sequence counts real orders only, 1..n per customer
    seq = con.execute("select customer_id, list(order_seq order by order_seq) from kpi_order_facts "
                      "where order_seq is not null group by 1 order by 1").fetchall()
    assert seq == [("c1", [1, 2]), ("c2", [1]), ("c3", [1, 2])]


def test_kpis_command_json(shop, tmp_path, capsys):
    from insights.cli import main
    from insights.core.workspace import Workspace
    ws = Workspace.create_at(tmp_path / "shop")
    workspace_from_tables(order_lines=LINES, ws=ws)
    ws.close()
    assert main(["kpis", "--workspace", str(tmp_path / "shop"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["period"] for r in rows] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert {k: rows[1][k] for k in ("customers_active", "new_customers", "orders", "net_revenue", "aov")} == \
        dict(customers_active=2, new_customers=1, orders=3, net_revenue=27.0, aov=9.0)
    assert main(["kpis", "--workspace", str(tmp_path / "shop"), "--period", "quarter"]) == 0
    assert "Net revenue" in capsys.readouterr().out
