"""Acquisition cohorts: do new customers come back, and what are they worth over time?

Definitions (shown on the page):

- A customer's **cohort** is the week (ISO, Monday start), month or quarter of their first order; an order is an
  order id not wholly cancelled. Guests (no customer id) are in no cohort.
- **Period index** k = periods since the cohort period (0 = the period of the first order).
- **Retention** of cohort c in period k = share of its customers active (placed an order) in period c + k.
  In "active or after" mode: share of its customers with an order in period c + k or later (a customer who
  skips a period but returns is still counted).
- **Revenue** = net revenue of the cohort's customers in period c + k (cancellations and returns netted).
  **LTV** = cumulative net revenue per cohort customer up to period c + k. **Orders** = their orders in c + k.
- A cohort with fewer than :data:`MIN_COHORT_CUSTOMERS` customers is **unreliable**: one customer moves its
  retention by several points. The **average** row weighs each cohort by its size, over the cohorts that have
  reached that period (retention = their active customers / their customers; LTV = their cumulative revenue /
  their customers; revenue and orders = the mean per cohort).
- The last period of the data is usually incomplete (``is_partial``): its cells understate.

Computed in DuckDB from the ``cohort_customer`` (one row per customer) and ``kpi_order_facts`` (one row per
order) marts built at upload; the SQL returns long format and :func:`pivot_cohorts` makes the grid.
"""

from __future__ import annotations

import logging

import pandas as pd

from insights.core.db import query_df, quote_ident, sql_text
from insights.core.workspace import connection
from insights.performance.kpis.periods import define_period_macros

log = logging.getLogger(__name__)

GRAINS = ("week", "month", "quarter")
METRICS = ("retention", "revenue", "ltv", "orders")
MODES = ("active", "active_or_after")
SPLITS = ("channel", "first_category", "country")
MIN_COHORT_CUSTOMERS = 30
AVERAGE_LABEL = "Average"

METRIC_LABELS = {
    "retention": ("Share of customers active", "share"),
    "revenue": ("Net revenue", "money"),
    "ltv": ("Cumulative revenue per customer (LTV)", "money"),
    "orders": ("Orders", "count"),
}
SPLIT_LABELS = {"channel": "Acquisition channel", "first_category": "First category bought", "country": "Country"}
NO_SPLIT = "All customers"

DEFINITIONS_MARKDOWN = f"""
- A customer's **cohort** is the week (Monday start), month or quarter of their **first order** (an order id
  that is not wholly cancelled). Guest orders (no customer id) belong to no cohort.
- **Period index** *k*: periods since the cohort period (0 = the period of the first order).
- **Share of customers active** (retention) of cohort *c* in period *k*: share of its customers who placed an
  order in period *c + k*. With *active in or after the period*: share who ordered in *c + k* or later.
- **Net revenue**: what the cohort's customers spent in period *c + k*, cancellations and returns netted.
- **Cumulative revenue per customer (LTV)**: net revenue of the cohort from period 0 to *k*, divided by the
  cohort's customers.
- **Orders**: orders placed by the cohort's customers in period *c + k*.
- **Unreliable**: cohorts of fewer than {MIN_COHORT_CUSTOMERS} customers (one customer moves their share by
  more than 3 points).
- **Average** row: the cohorts that have reached period *k*, weighted by size (all their active customers /
  all their customers; LTV likewise); for net revenue and orders, the mean per cohort.
"""

COLUMNS = ["split_value", "cohort", "cohort_label", "period_index", "customers", "active_customers",
           "active_or_after_customers", "retention", "orders", "revenue", "revenue_per_customer", "ltv",
           "value", "unreliable", "is_partial", "is_average"]


def _check(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}; got {value!r}")


def cohort_label(day, grain: str) -> str:
    """``2011-03`` (month), ``2011-Q1`` (quarter), ``wk to 06 Mar 2011`` (a Monday-to-Sunday week, named by
    its Sunday: a shop whose data starts on Sunday 1 Jan 2023 sees its first weekly cohort in 2023, not as ISO
    week 2022-W52)."""
    day = pd.Timestamp(day)
    if grain == "month":
        return f"{day:%Y-%m}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    sunday = day - pd.Timedelta(days=day.weekday()) + pd.Timedelta(days=6)
    return f"wk to {sunday:%d %b %Y}"


def cohort_table(ws, grain: str = "month", metric: str = "retention", mode: str = "active",
                 split: str | None = None, min_customers: int = MIN_COHORT_CUSTOMERS,
                 include_average: bool = True) -> pd.DataFrame:
    """Cohort cells in long format, oldest cohort first, then the average row(s).

    In: a workspace (or connection) with marts built; ``grain`` week/month/quarter; ``metric`` retention,
    revenue, ltv or orders (copied into ``value``); ``mode`` active or active_or_after (decides
    ``retention``); ``split`` None, channel, first_category or country.

    Out columns: split_value ('All customers' unless split), cohort (first day of the cohort period; NaT on
    average rows), cohort_label, period_index, customers (cohort size), active_customers,
    active_or_after_customers, retention, orders, revenue, revenue_per_customer, ltv, value, unreliable
    (cohort smaller than ``min_customers``), is_partial (the data ends inside this period), is_average.
    Every cohort has a row for each period from 0 to the last period of the data, zeros included.
    """
    _check("grain", grain, GRAINS)
    _check("metric", metric, METRICS)
    _check("mode", mode, MODES)
    if split is not None:
        _check("split", split, SPLITS)
    con = connection(ws)
    define_period_macros(con)
    split_sql = quote_ident(split, SPLITS) if split else "'" + NO_SPLIT + "'"
    df = query_df(con, sql_text("queries/performance/cohorts/cohort_table.sql").replace("{split}", split_sql), {"grain": grain})
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    df["cohort"] = pd.to_datetime(df["cohort"])
    for col in ("revenue", "cumulative_revenue"):
        df[col] = df[col].astype(float)
    for col in ("customers", "active_customers", "active_or_after_customers", "orders"):
        df[col] = df[col].astype("int64")
    df["cohort_label"] = df["cohort"].map(lambda d: cohort_label(d, grain))
    df["is_average"] = False
    df["unreliable"] = df["customers"] < min_customers
    df["is_partial"] = df["is_partial"].astype(bool)
    df = _derive(df, mode)
    if include_average:
        df = pd.concat([df, _average_rows(df, mode, min_customers)], ignore_index=True)
    df["value"] = df[metric]
    return df[COLUMNS]


def _derive(df: pd.DataFrame, mode: str) -> pd.DataFrame:
    active = df["active_customers"] if mode == "active" else df["active_or_after_customers"]
    df["retention"] = active / df["customers"]
    df["revenue_per_customer"] = df["revenue"] / df["customers"]
    df["ltv"] = df["cumulative_revenue"] / df["customers"]
    return df


def _average_rows(df: pd.DataFrame, mode: str, min_customers: int) -> pd.DataFrame:
    grouped = df.groupby(["split_value", "period_index"], sort=True)
    avg = grouped.agg(customers=("customers", "sum"), active_customers=("active_customers", "sum"),
                      active_or_after_customers=("active_or_after_customers", "sum"),
                      orders=("orders", "mean"), revenue=("revenue", "mean"),
                      cumulative_revenue=("cumulative_revenue", "sum"), cohorts=("cohort", "count"),
                      is_partial=("is_partial", "any")).reset_index()
    avg = _derive(avg, mode)
    # per customer figures are weighted by cohort size: total over total, not the mean of shares
    avg["revenue_per_customer"] = (grouped["revenue"].sum().to_numpy() / avg["customers"]).to_numpy()
    avg["cohort"] = pd.NaT
    avg["cohort_label"] = AVERAGE_LABEL
    avg["unreliable"] = avg["customers"] < min_customers
    avg["is_average"] = True
    return avg.drop(columns=["cohorts", "cumulative_revenue"])


def pivot_cohorts(df: pd.DataFrame, value: str = "value") -> pd.DataFrame:
    """The heatmap grid: one row per cohort (average last), one column per period index.

    With several split values in ``df`` the row label is ``"<split value> · <cohort>"``.
    """
    if df.empty:
        return pd.DataFrame()
    rows = df.copy()
    rows["row"] = row_labels(rows)
    rows["_order"] = rows["is_average"].astype(int)
    order = rows.sort_values(["split_value", "_order", "cohort"])["row"].drop_duplicates().tolist()
    grid = rows.pivot_table(index="row", columns="period_index", values=value, aggfunc="first", dropna=False)
    grid = grid.reindex(order)
    grid.columns = [int(c) for c in grid.columns]
    grid.index.name = "cohort"
    return grid


def row_labels(df: pd.DataFrame) -> pd.Series:
    """The heatmap row label of each cell: the cohort, prefixed by the split value when there are several."""
    if df["split_value"].nunique() > 1:
        return df["split_value"].astype(str) + " · " + df["cohort_label"]
    return df["cohort_label"]


def cohort_cells_for_download(df: pd.DataFrame) -> pd.DataFrame:
    """The long table a user downloads: readable columns, no internal flags dropped."""
    out = df.copy()
    out["cohort"] = out["cohort"].dt.date
    return out


def first_cohort_note(cells: pd.DataFrame) -> str:
    """What the heatmap's first row holds ("" without cohorts): the customers whose first order *in the data*
    falls in its first period — some of them bought before the data begins, so they are not all new customers and
    the row's later cells can look better than a new cohort's (the rule the second-purchase view and the gateway
    products apply by leaving them out: :func:`insights.core.dates.in_first_month`)."""
    rows = cells[~cells["is_average"] & (cells["period_index"] == 0)]
    if rows.empty:
        return ""
    first = rows[rows["cohort"] == rows["cohort"].min()]
    customers = int(first["customers"].sum())
    return (f"The first row ({first['cohort_label'].iloc[0]}, {customers:,} customer"
            f"{'s' if customers != 1 else ''}) starts with your data: some of its customers may have bought before "
            f"it begins, so they are not all new customers and its later cells can look better than a new "
            f"cohort's. The second-purchase view leaves them out.")
