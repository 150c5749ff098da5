"""The KPI table (one row per period with the KPI stack) and the KPIs' definitions.

Every figure is computed in DuckDB from the ``kpi_order_facts`` mart, ``events`` and ``feedback``
(``queries/performance/kpis/kpi_table.sql``); values are bound parameters.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.db import query_df, query_rows
from insights.core.workspace import connection
from insights.performance.kpis.periods import WEEK_ORIGIN, check_period, checked_date, define_period_macros

# key -> (label, unit, plain-English definition). Units: "count", "money", "share" (0-1, shown as %),
# "days", "score" (NPS, -100..100), "ratio".
KPI_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "new_customers": ("New customers", "count",
                      "Customers whose first order (an order id not wholly cancelled) falls in the period."),
    "first_order_conversion": ("First-order conversion", "share",
                               "Of the website visitors in the period who had never ordered before (known "
                               "customers counted once, anonymous visitors once per session), the share who "
                               "placed their first order in the period. Needs web events."),
    "activation_30": ("Activation (30 days)", "share",
                      "Share of the period's new customers who ordered again within 30 days of their first "
                      "order. Empty until every new customer of the period has had 30 days in the data."),
    "activation_60": ("Activation (60 days)", "share",
                      "Share of the period's new customers who ordered again within 60 days of their first order."),
    "activation_90": ("Activation (90 days)", "share",
                      "Share of the period's new customers who ordered again within 90 days of their first order."),
    "customers_active": ("Active customers", "count",
                         "Identified customers who placed at least one order in the period (guests excluded)."),
    "orders_per_customer": ("Orders per active customer", "ratio",
                            "Orders of identified customers in the period divided by active customers."),
    "days_between_orders": ("Days between orders", "days",
                            "Average number of days between a repeat order placed in the period and the same "
                            "customer's previous order."),
    "sessions": ("Web sessions", "count",
                 "Distinct web/app sessions with at least one event in the period. Needs web events."),
    "session_conversion": ("Session conversion", "share",
                           "Share of the period's sessions that include a purchase event. Needs web events."),
    "view_to_cart": ("Funnel: view → cart", "share",
                     "Of sessions with a product/page view, the share that also added to cart."),
    "cart_to_checkout": ("Funnel: cart → checkout", "share",
                         "Of sessions with an add-to-cart, the share that also reached checkout."),
    "checkout_to_purchase": ("Funnel: checkout → purchase", "share",
                             "Of sessions that reached checkout, the share that also purchased."),
    "net_revenue": ("Net revenue", "money",
                    "Sum of quantity × unit price over every loaded line in the period, cancellations and "
                    "returns included as negatives, guests included."),
    "orders": ("Orders", "count",
               "Distinct order ids in the period that are not wholly cancelled (guest orders included)."),
    "aov": ("Average order value (AOV)", "money", "Net revenue divided by orders."),
    "revenue_per_customer": ("Revenue per active customer", "money",
                             "Net revenue from identified customers divided by active customers."),
    "reorder_rate": ("Reorder rate", "share",
                     "Share of identified customers' orders in the period that are a repeat order (the "
                     "customer's second order or later)."),
    "repeat_purchase_rate": ("Repeat-purchase rate", "share",
                             "Share of all customers who have ordered by the end of the period that have placed "
                             "two or more orders (cumulative to date)."),
    "retention": ("Retention (period over period)", "share",
                  "Share of the previous period's active customers who ordered again in this period."),
    "churn_rate": ("Churn rate", "share",
                   "Rule: a customer active in the previous period who places no order in this one has churned. "
                   "Churn rate = churned / previous period's active customers = 1 − retention."),
    "nps": ("NPS", "score",
            "Net Promoter Score from 0–10 answers in the period: % promoters (9–10) − % detractors (0–6), "
            "from −100 to 100. Needs feedback of kind nps."),
    "csat": ("CSAT", "share",
             "Share of 1–5 satisfaction answers in the period scoring 4 or 5. Needs feedback of kind csat."),
}

# The scorecard's sections, in the order the page shows them.
KPI_GROUPS: dict[str, tuple[str, ...]] = {
    "Acquisition": ("new_customers", "first_order_conversion"),
    "Activation": ("activation_30", "activation_60", "activation_90"),
    "Engagement": ("customers_active", "orders_per_customer", "days_between_orders", "sessions",
                   "session_conversion", "view_to_cart", "cart_to_checkout", "checkout_to_purchase"),
    "Monetization": ("net_revenue", "orders", "aov", "revenue_per_customer", "reorder_rate"),
    "Loyalty": ("repeat_purchase_rate", "retention", "churn_rate", "nps", "csat"),
}

# For these a fall is good news (a target is met when the value is at or below it).
LOWER_IS_BETTER = frozenset({"churn_rate", "days_between_orders"})

# KPIs that exist only when the workspace holds that kind of data.
EVENT_KPIS = frozenset({"first_order_conversion", "sessions", "session_conversion", "view_to_cart",
                        "cart_to_checkout", "checkout_to_purchase"})
FEEDBACK_KPIS = {"nps": "nps_responses", "csat": "csat_responses"}


def kpi_frame(con, period: str, anchor: dt.date, days: int) -> pd.DataFrame:
    """Every period (bucket) of the data with the KPI stack: week/month/quarter, or blocks of ``days`` days
    from ``anchor`` for ``custom`` (bucket 0 starts at ``anchor``)."""
    define_period_macros(con)
    # without events or feedback, DuckDB skips their joins altogether (they cost more than the order KPIs)
    with_events, with_feedback = query_rows(con, "queries/performance/kpis/sources_present.sql")[0]
    df = query_df(con, "queries/performance/kpis/kpi_table.sql",
                  {"grain": period, "anchor": anchor, "days": days, "with_events": with_events,
                   "with_feedback": with_feedback})
    for col in ("period", "period_end"):
        df[col] = pd.to_datetime(df[col]).dt.date
    for col in df.columns:
        if col not in ("period", "period_end", "is_partial") and df[col].dtype == object:
            df[col] = pd.to_numeric(df[col])
    return df


def kpi_table(ws, period: str = "month", start=None, end=None) -> pd.DataFrame:
    """The KPI stack, one row per period, oldest first.

    In: a workspace (or connection) with marts built. ``period`` is week, month, quarter or custom; ``start``
    and ``end`` (inclusive dates) keep the periods that overlap them. With ``custom`` they are required and
    the result has one row: the range itself.

    Out columns: ``period`` (first day), ``period_end`` (first day after), ``is_partial`` (the data does not
    cover the whole period), ``returning_customers``, ``retained_customers``, ``nps_responses``,
    ``csat_responses`` and every key of :data:`KPI_DEFINITIONS`. KPIs needing web events or feedback are
    empty (NaN) where the workspace has none.
    """
    check_period(period)
    con = connection(ws)
    if period == "custom":
        if start is None or end is None:
            raise ValueError("a custom period needs both a start and an end date")
        start, end = checked_date(start, "start"), checked_date(end, "end")
        if end < start:
            raise ValueError(f"the end date {end} is before the start date {start}")
        df = kpi_frame(con, "custom", start, (end - start).days + 1)
        out = df[df["bucket"] == 0]
        if out.empty:  # no orders in or after the range: still answer with one row of zeros
            out = _empty_custom_row(df, start, end)
        return out.reset_index(drop=True)
    df = kpi_frame(con, period, WEEK_ORIGIN, 1)
    if start is not None:
        df = df[df["period_end"] > checked_date(start, "start")]
    if end is not None:
        df = df[df["period"] <= checked_date(end, "end")]
    return df.reset_index(drop=True)


def _empty_custom_row(df: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    row = {c: float("nan") for c in df.columns}
    row.update(period=start, period_end=end + dt.timedelta(days=1), bucket=0, is_partial=True)
    for key in ("customers_active", "new_customers", "returning_customers", "orders", "net_revenue"):
        row[key] = 0
    return pd.DataFrame([row], columns=df.columns)


def custom_blocks(ws, start, end, count: int = 12) -> pd.DataFrame:
    """The KPI table of the custom range [start, end] and the ``count - 1`` blocks of the same length before
    it (oldest first): the trend line of a custom range."""
    start, end = checked_date(start, "start"), checked_date(end, "end")
    if end < start:
        raise ValueError(f"the end date {end} is before the start date {start}")
    frame = kpi_frame(connection(ws), "custom", start, (end - start).days + 1)
    return frame[(frame["bucket"] > -count) & (frame["bucket"] <= 0)].reset_index(drop=True)


def definitions_frame() -> pd.DataFrame:
    """The KPI definitions as a table for the page: group, KPI, unit, definition."""
    rows = [dict(Group=group, KPI=KPI_DEFINITIONS[k][0], Unit=KPI_DEFINITIONS[k][1], Definition=KPI_DEFINITIONS[k][2])
            for group, keys in KPI_GROUPS.items() for k in keys]
    return pd.DataFrame(rows)


def available_kpis(table: pd.DataFrame) -> list[str]:
    """The KPI keys worth showing for this data: event KPIs only with sessions, NPS/CSAT only with answers."""
    keys = []
    for key in KPI_DEFINITIONS:
        if key in table and table[key].isna().all() and key not in ("retention", "churn_rate"):
            continue
        if key in EVENT_KPIS and not (table.get("sessions", pd.Series(dtype=float)).fillna(0) > 0).any():
            continue
        if key in FEEDBACK_KPIS and not (table.get(FEEDBACK_KPIS[key], pd.Series(dtype=float)).fillna(0) > 0).any():
            continue
        keys.append(key)
    return keys
