"""RFM on a shop small enough to score on paper (see the comments), tie rules, the map, and mart identities."""

from __future__ import annotations

import datetime as dt

import pytest

from insights.customers import segments
from tests.helpers import workspace_from_tables


def line(order, customer, day, price, qty=1, country="France", category="Coffee", cancel=False, email=None):
    return dict(order_id=order, customer_id=customer, ordered_at=day, quantity=qty, unit_price=str(price),
                country=country, category=category, is_cancellation=cancel, email=email)


# as of 2024-04-01 (the day after the last order, 2024-03-31):
#   c1: 3 orders 10+20+30=60, last 03-30 (2 days)  -> R3 F5 M5  Loyal
#   c2: 1 order 50, 03-31 (1 day)                  -> R5 F1 M4  New
#   c3: 2 orders 5+5=10, last 02-15 (46 days)      -> R2 F4 M2  At Risk
#   c4: 1 order 100 then a wholly cancelled id -100 -> F1, M0, 82 days -> R1 F1 M1 Lost
#   c5: 1 order 40, 03-30 (2 days)                 -> R3 (tied with c1) F1 M3  About to Sleep
#   a guest order of 999 belongs to nobody
LINES = [
    line("A1", "c1", "2024-01-01 10:00", 10, category="Tea", email="=HYPERLINK(\"x\")@evil.com"),
    line("A2", "c1", "2024-03-01 10:00", 20, category="Tea"),
    line("A3", "c1", "2024-03-30 10:00", 30, category="Tea"),
    line("B1", "c2", "2024-03-31 09:00", 50, country="Germany", email="bob@example.com"),
    line("C1", "c3", "2024-02-01 09:00", 5),
    line("C2", "c3", "2024-02-15 09:00", 5, email="+cara@example.com"),
    line("D1", "c4", "2024-01-10 09:00", 100, country="Spain"),
    line("D2", "c4", "2024-01-12 09:00", 100, qty=-1, country="Spain", cancel=True),
    line("E1", "c5", "2024-03-30 12:00", 40, country="Germany", email="eve@example.com"),
    line("G1", None, "2024-03-01 12:00", 999),
]


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES)
    yield ws
    ws.close()


def test_rfm_scores_match_the_paper_calculation(shop):
    rfm = segments.rfm_table(shop).set_index("customer_id")
    assert segments.default_as_of(shop) == dt.date(2024, 4, 1)
    assert rfm["recency_days"].to_dict() == {"c1": 2, "c2": 1, "c3": 46, "c4": 82, "c5": 2}
    assert rfm["frequency"].to_dict() == {"c1": 3, "c2": 1, "c3": 2, "c4": 1, "c5": 1}
    assert rfm["monetary"].to_dict() == {"c1": 60.0, "c2": 50.0, "c3": 10.0, "c4": 0.0, "c5": 40.0}
    assert rfm["rfm_code"].to_dict() == {"c1": "355", "c2": "514", "c3": "242", "c4": "111", "c5": "313"}
    assert rfm["segment"].to_dict() == {"c1": "Loyal", "c2": "New", "c3": "At Risk", "c4": "Lost",
                                        "c5": "About to Sleep"}


def test_equal_values_get_equal_scores_and_small_data_is_handled():
    ws = workspace_from_tables(order_lines=[line("X1", "a", "2024-01-01", 10), line("X2", "b", "2024-01-01", 10)])
    rfm = segments.rfm_table(ws)
    assert rfm["r_score"].tolist() == [3, 3] and rfm["m_score"].tolist() == [3, 3]   # all equal: middle
    ws2 = workspace_from_tables(order_lines=[line("X1", "a", "2024-01-01", 10), line("X2", "b", "2024-01-05", 30)])
    rfm2 = segments.rfm_table(ws2).set_index("customer_id")
    assert rfm2.loc["a", "r_score"] == 1 and rfm2.loc["b", "r_score"] == 5          # two values: ends of scale
    assert rfm2.loc["a", "m_score"] == 1 and rfm2.loc["b", "m_score"] == 5
    ws3 = workspace_from_tables(order_lines=[line("X1", "a", "2024-01-01", 10)])
    assert segments.rfm_table(ws3)["rfm_code"].tolist() == ["333"]


def test_as_of_date_only_counts_earlier_orders(shop):
    rfm = segments.rfm_table(shop, as_of="2024-02-02").set_index("customer_id")
    assert sorted(rfm.index) == ["c1", "c3", "c4"]
    assert rfm.loc["c1", "recency_days"] == 32 and rfm.loc["c3", "frequency"] == 1


def test_map_override_renames_and_must_cover_every_score_pair(shop):
    custom = segments.with_map_override({"Lost": {"name": "Gone", "next_step": "Let go"}})
    table = segments.segment_table(shop, segment_map=custom).set_index("segment")
    assert table.loc["Gone", "customers"] == 1 and table.loc["Gone", "next_step"] == "Let go"
    assert "Lost" not in table.index
    broken = segments.default_segment_map()
    broken["segments"] = [s for s in broken["segments"] if s["name"] != "Lost"]
    with pytest.raises(segments.SegmentMapError, match="R=1 F=1"):
        segments.rfm_table(shop, segment_map=broken)
    overlap = segments.default_segment_map()
    overlap["segments"][0]["recency"] = [4, 5]
    with pytest.raises(segments.SegmentMapError, match="belongs to both"):
        segments.validate_segment_map(overlap)
    with pytest.raises(segments.SegmentMapError, match="Unknown|No segment named"):
        segments.with_map_override({"Nobody": {}})


def test_default_map_covers_the_grid_with_the_eleven_names():
    grid = segments.segment_grid()
    assert set(grid.to_numpy().ravel()) == set(segments.SEGMENT_NAMES)
    assert grid.loc[5, 5] == "Champions" and grid.loc[1, 5] == "Can't Lose Them"


def test_segment_summary_identities(shop):
    rfm = segments.rfm_table(shop)
    table = segments.segment_summary(rfm)
    customers_mart = shop.con.execute("select count(*), sum(net_revenue) from customers where orders > 0").fetchall()[0]
    assert table["customers"].sum() == customers_mart[0] == 5
    assert table["net_revenue"].sum() == pytest.approx(float(customers_mart[1])) == 160.0
    assert table["share_of_revenue"].sum() == pytest.approx(1.0)
    assert set(table["segment"]) == set(segments.SEGMENT_NAMES)
    loyal = table.set_index("segment").loc["Loyal"]
    assert loyal["aov"] == 20.0 and loyal["median_recency_days"] == 2
    assert segments.customer_segments(shop.con).shape == (5, 2)


def test_sample_shop_marts_keep_keys_labels_and_totals(sample_workspace):
    rfm = segments.rfm_table(sample_workspace)
    assert rfm["customer_id"].is_unique and rfm["customer_id"].notna().all()
    assert set(rfm["segment"]) <= set(segments.SEGMENT_NAMES)
    assert rfm[["r_score", "f_score", "m_score"]].isin([1, 2, 3, 4, 5]).all().all()
    total = sample_workspace.con.execute(
        "select count(*), sum(net_revenue) from customers where orders > 0").fetchall()[0]
    table = segments.segment_summary(rfm)
    assert table["customers"].sum() == total[0]
    assert table["net_revenue"].sum() == pytest.approx(float(total[1]), abs=0.01)
    search = sample_workspace.con.execute(
        "select count(*), count(distinct customer_id), (select count(*) from customers) from segment_customer_search"
    ).fetchall()[0]
    assert search[0] == search[1] == search[2]


def test_map_as_an_editable_table_round_trips_and_errors_name_the_row(shop):
    table = segments.segment_map_frame()
    assert list(table["name"]) == list(segments.SEGMENT_NAMES)
    assert segments.segment_map_from_frame(table) == {"segments": [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in s.items()}
        for s in segments.validate_segment_map(segments.default_segment_map())]}
    edited = table.copy()
    edited.loc[edited["name"] == "Lost", "name"] = "Gone"
    rfm = segments.rfm_table(shop, segment_map=segments.segment_map_from_frame(edited)).set_index("customer_id")
    assert rfm.loc["c4", "segment"] == "Gone"
    bad = table.astype({"recency_low": object})
    bad.loc[2, "recency_low"] = "soon"
    with pytest.raises(segments.SegmentMapError, match="Row 3 .Potential Loyalists.: recency_low must be a whole"):
        segments.segment_map_from_frame(bad)
    twice = table.copy()
    twice.loc[1, "name"] = "Champions"
    with pytest.raises(segments.SegmentMapError, match="Two segments of the map are named 'Champions'"):
        segments.segment_map_from_frame(twice)


def test_segment_predictions_follow_the_latest_fits_on_current_data(sample_workspace):
    from insights.predictions import churn
    from insights.predictions import clv
    from insights.customers import segments
    ws = sample_workspace
    rfm = segments.rfm_table(ws)
    assert segments.segment_predictions(ws, rfm) is None            # no model run yet
    clv.run_clv(ws, with_backtest=False)
    churn.score_workspace(ws, with_bgnbd=False)
    preds = segments.segment_predictions(ws, rfm).set_index("segment")
    scores = clv.load_scores(ws).set_index("customer_id")
    champions = rfm.loc[rfm["segment"] == "Champions", "customer_id"]
    assert preds.loc["Champions", "mean_clv"] == pytest.approx(scores.loc[champions, "clv"].mean())
    assert preds.loc["Champions", "mean_clv"] > preds.loc["Lost", "mean_clv"]
    assert preds.loc["Lost", "mean_churn_risk"] > preds.loc["Champions", "mean_churn_risk"]
    assert set(preds.index) == set(rfm["segment"])
    # new data makes both fits stale: no figures from another version of the data
    with ws.transaction():
        pass
    assert segments.segment_predictions(ws, rfm) is None
