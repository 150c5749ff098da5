"""Cohort cells on a tiny shop worked out on paper; modes, metrics, splits, the grid and the heatmap."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from insights.charts.cohorts import cohort_heatmap
from insights.performance import cohorts
from tests.helpers import workspace_from_tables
from tests.performance.test_kpis import LINES, line


@pytest.fixture(scope="module")
def shop():
    # January cohort: c1, c2. February cohort: c3. c4 joins in February, skips March, returns in April.
    extra = [line("B1", "c4", "2024-02-20 10:00", 1, "12", channel="shop", category="Tools"),
             line("B2", "c4", "2024-04-02 10:00", 1, "18", channel="shop", category="Tools")]
    ws = workspace_from_tables(order_lines=LINES + extra)
    yield ws
    ws.close()


def cell(df, cohort, k):
    rows = df[(df["cohort_label"] == cohort) & (df["period_index"] == k)]
    assert len(rows) == 1, (cohort, k)
    return rows.iloc[0]


def test_monthly_retention_cells_by_hand(shop):
    df = cohorts.cohort_table(shop, "month")
    jan = [cell(df, "2024-01", k) for k in range(4)]
    assert [c.customers for c in jan] == [2, 2, 2, 2]
    assert [c.active_customers for c in jan] == [2, 1, 0, 0]       # c1 came back in Feb (A3)
    assert [c.retention for c in jan] == [1.0, 0.5, 0.0, 0.0]
    feb = [cell(df, "2024-02", k) for k in range(3)]
    assert [c.customers for c in feb] == [2, 2, 2]                 # c3 and c4
    assert [c.active_customers for c in feb] == [2, 1, 1]          # c3 in Mar, c4 in Apr
    assert set(df.loc[~df["is_average"], "cohort_label"]) == {"2024-01", "2024-02"}
    assert df.loc[~df["is_average"], "period_index"].max() == 3    # data ends in April


def test_active_or_after_counts_customers_who_skip_a_period(shop):
    df = cohorts.cohort_table(shop, "month", mode="active_or_after")
    assert [cell(df, "2024-02", k).retention for k in range(3)] == [1.0, 1.0, 0.5]  # c4 returns in April
    assert [cell(df, "2024-01", k).retention for k in range(3)] == [1.0, 0.5, 0.0]


def test_revenue_ltv_and_orders(shop):
    df = cohorts.cohort_table(shop, "month", metric="ltv")
    jan1 = cell(df, "2024-01", 1)
    assert jan1.revenue == 0 and jan1.orders == 1                  # A3 15 netted by its cancellation C3
    assert cell(df, "2024-01", 0).revenue == 50
    assert [cell(df, "2024-01", k).ltv for k in range(3)] == [25.0, 25.0, 25.0]
    assert [cell(df, "2024-02", k).value for k in range(3)] == [16.0, 20.0, 29.0]  # (20+12)/2, +8/2, +18/2
    orders = cohorts.cohort_table(shop, "month", metric="orders")
    assert cell(orders, "2024-02", 0).value == 2


def test_average_row_is_weighted_by_cohort_size(shop):
    df = cohorts.cohort_table(shop, "month")
    avg = df[df["is_average"]].set_index("period_index")
    assert avg.loc[1, "retention"] == pytest.approx((1 + 1) / (2 + 2))
    assert avg.loc[3, "customers"] == 2 and avg.loc[3, "retention"] == 0   # only January reached k = 3
    assert avg["cohort_label"].eq(cohorts.AVERAGE_LABEL).all() and avg["cohort"].isna().all()


def test_tiny_cohorts_are_flagged(shop):
    df = cohorts.cohort_table(shop, "month")
    assert df["unreliable"].all()                                  # 2 customers < 30
    relaxed = cohorts.cohort_table(shop, "month", min_customers=2)
    assert not relaxed["unreliable"].any()
    assert cohorts.cohort_table(shop, "month", min_customers=3)["unreliable"][~df["is_average"]].all()


def test_last_period_is_marked_partial(shop):
    df = cohorts.cohort_table(shop, "month", include_average=False)
    assert df.loc[df["is_partial"], "period_index"].tolist() == [3, 2]   # April, for both cohorts


def test_week_and_quarter_grains(shop):
    weekly = cohorts.cohort_table(shop, "week", include_average=False)
    assert weekly["cohort"].dt.day_of_week.eq(0).all()                    # Monday starts
    first = weekly[weekly["cohort_label"] == "wk to 07 Jan 2024"]                 # c1, 5 Jan
    assert first["customers"].iloc[0] == 1
    assert first.loc[first["active_customers"] > 0, "period_index"].tolist() == [0, 4]  # 3 Feb = week 5
    quarterly = cohorts.cohort_table(shop, "quarter", include_average=False)
    assert quarterly["cohort_label"].tolist() == ["2024-Q1", "2024-Q1"]
    assert quarterly["customers"].tolist() == [4, 4] and quarterly["active_customers"].tolist() == [4, 1]


def test_split_by_channel(shop):
    df = cohorts.cohort_table(shop, "month", split="channel", include_average=False)
    sizes = df[df["period_index"] == 0].set_index(["split_value", "cohort_label"])["customers"].to_dict()
    assert sizes == {("shop", "2024-01"): 1, ("web", "2024-01"): 1, ("shop", "2024-02"): 1, ("web", "2024-02"): 1}
    with pytest.raises(ValueError, match="split must be one of"):
        cohorts.cohort_table(shop, split="email")


def test_pivot_and_heatmap(shop):
    df = cohorts.cohort_table(shop, "month")
    grid = cohorts.pivot_cohorts(df, "retention")
    assert list(grid.index) == ["2024-01", "2024-02", "Average"]
    assert list(grid.columns) == [0, 1, 2, 3]
    assert np.isnan(grid.loc["2024-02", 3])
    predicted = pd.DataFrame(dict(cohort_label=["2024-02"], period_index=[3], value=[0.25]))
    fig = cohort_heatmap(df, "retention", "month", "EUR", predicted=predicted)
    names = [t.name for t in fig.data]
    assert names[0] == "observed" and "unreliable" in names and "predicted" in names
    pred = fig.data[names.index("predicted")]
    assert "≈25%" in np.asarray(pred.text).ravel().tolist()
    assert "months" in fig.layout.xaxis.title.text and "Cohort" in fig.layout.yaxis.title.text


def test_cohort_mart_keys(shop):
    rows = shop.con.execute("select count(*), count(distinct customer_id), count(cohort_month), "
                            "count(cohort_week), count(cohort_quarter) from cohort_customer").fetchone()
    assert rows == (4, 4, 4, 4, 4)
    assert shop.con.execute("select count(*) from customers where orders > 0").fetchone()[0] == 4


def test_cohorts_command_json(tmp_path, capsys):
    from insights.cli import main
    from insights.core.workspace import Workspace
    ws = Workspace.create_at(tmp_path / "shop")
    workspace_from_tables(order_lines=LINES, ws=ws)
    ws.close()
    assert main(["cohorts", "--workspace", str(tmp_path / "shop"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    jan = [r for r in rows if r["cohort"] == "2024-01-01"]
    assert [(r["period_index"], r["customers"], r["retention"]) for r in jan] == [(0, 2, 1.0), (1, 2, 0.5), (2, 2, 0.0)]
    assert main(["cohorts", "--workspace", str(tmp_path / "shop")]) == 0
    assert "2024-01" in capsys.readouterr().out


def test_heatmap_stays_readable_on_a_big_weekly_grid():
    # 60 weekly cohorts × 60 weeks: cell labels would shrink to a few pixels, so they are left to the hover; the
    # x axis shows every third week; the title sits above the plot, apart from the axis title below it
    rows = []
    start = pd.Timestamp("2023-01-02")
    for c in range(60):
        for k in range(60 - c):
            rows.append(dict(cohort=start + pd.Timedelta(weeks=c),
                             cohort_label=cohorts.cohort_label(start + pd.Timedelta(weeks=c), "week"),
                             split_value="All", period_index=k, value=1.0 if k == 0 else 0.2, customers=10,
                             active_customers=2, revenue=50.0, unreliable=True, is_average=False, is_partial=False))
    fig = cohort_heatmap(pd.DataFrame(rows), "retention", "week")
    observed = fig.data[[t.name for t in fig.data].index("observed")]
    assert observed.texttemplate is None and observed.textfont.size == 11
    assert "unreliable (small cohort)" not in [t.name for t in fig.data]      # no crosses over 3,600 cells
    assert fig.layout.xaxis.dtick == 3 and fig.layout.xaxis.side == "bottom"
    assert fig.layout.title.yanchor == "top" and fig.layout.margin.t >= 60


def test_week_cohorts_are_named_by_their_sunday():
    assert cohorts.cohort_label(pd.Timestamp("2022-12-26"), "week") == "wk to 01 Jan 2023"   # not 2022-W52
    assert cohorts.cohort_label(pd.Timestamp("2024-01-01"), "week") == "wk to 07 Jan 2024"


def test_first_row_is_said_to_start_with_the_data(shop):
    """The January 2024 cohort (c1, c2) is the data's first month: its customers may have bought before."""
    note = cohorts.first_cohort_note(cohorts.cohort_table(shop, "month"))
    assert note.startswith("The first row (2024-01, 2 customers) starts with your data")
    split = cohorts.first_cohort_note(cohorts.cohort_table(shop, "month", split="channel"))
    assert "(2024-01, 2 customers)" in split
    assert cohorts.first_cohort_note(cohorts.cohort_table(shop, "month").iloc[0:0]) == ""
