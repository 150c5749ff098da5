"""The KPI scorecard: the KPI stack per period, comparisons, targets, the revenue bridge and demand by hour.

Every figure is computed in DuckDB from the ``kpi_order_facts`` mart (one row per order id, built once per
upload by ``ws.build_marts()``), ``kpi_category_day``, ``events`` and ``feedback``; values are bound
parameters. Periods are calendar weeks (ISO, Monday start), months, quarters, or a custom date range.

Definitions (shown on the page, see :data:`KPI_DEFINITIONS`):

- An order is an order id that is not wholly cancelled; net revenue sums every loaded line, cancellations and
  returns as negatives (a wholly cancelled id is not an order but its negative revenue counts).
- A customer is active in a period if they placed an order in it; a new customer's first order is in it.
- Churn rule: a customer active in the previous period who places no order in this one has churned for this
  period, so churn rate = 1 − retention (period over period).

Domain traps recorded here: orders and AOV include guest orders; per-customer KPIs (orders per customer,
revenue per customer, reorder rate) use identified customers only. Activation within N days is left empty
until every new customer of the period has had the full N days in the data.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from math import factorial
from typing import Any

import pandas as pd

from insights.core.db import query_df, query_rows, quote_ident, sql_text, table_exists
from insights.core.money import format_money
from insights.core.workspace import Workspace

log = logging.getLogger(__name__)

PERIODS = ("week", "month", "quarter")
MONEY_STEP = Decimal("0.0001")  # the precision of DECIMAL(18,4)

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

_WEEK_ORIGIN = dt.date(2000, 1, 3)  # a Monday: week buckets count from here


# ----- helpers ---------------------------------------------------------------------------------------
def _con(ws):
    return ws.con if isinstance(ws, Workspace) else ws


def _prepare(con) -> None:
    """Define the period macros on this connection (temporary: nothing is written to the workspace)."""
    con.execute(sql_text("queries/performance/kpis/macros.sql"))


def _as_date(value, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"{what}: expected a date like 2024-06-30, got {value!r}") from None


def _check_period(period: str) -> None:
    if period not in PERIODS + ("custom",):
        raise ValueError(f"period must be one of week, month, quarter or custom, not {period!r}")


def period_start(day, period: str) -> dt.date:
    """The first day of the week (Monday) / month / quarter holding ``day``."""
    day = _as_date(day, "day")
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"period must be week, month or quarter, not {period!r}")


def period_end(start: dt.date, period: str) -> dt.date:
    """The first day after the period starting at ``start`` (ranges are half-open: [start, end))."""
    if period == "week":
        return start + dt.timedelta(days=7)
    months = 1 if period == "month" else 3
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def shift_period(start: dt.date, period: str, steps: int) -> dt.date:
    """The start of the period ``steps`` periods after (negative: before) the one starting at ``start``."""
    if period == "week":
        return start + dt.timedelta(days=7 * steps)
    months = steps * (1 if period == "month" else 3)
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start, period: str, end=None) -> str:
    """``June 2024``, ``Q2 2024``, ``week of 3 Jun 2024``, or ``1 Jun – 14 Jun 2024`` for a custom range."""
    start = _as_date(start, "period start")
    if period == "month":
        return f"{start:%B %Y}"
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if period == "week":
        return f"week of {start.day} {start:%b %Y}"
    last = _as_date(end, "period end") - dt.timedelta(days=1) if end is not None else start
    return f"{start.day} {start:%b %Y} – {last.day} {last:%b %Y}"


def data_range(ws) -> tuple[dt.date | None, dt.date | None]:
    """First and last order day in the workspace."""
    first, last = query_rows(_con(ws), "select min(order_date), max(order_date) from kpi_order_facts")[0]
    return first, last


def data_currency(ws) -> str | None:
    """The currency written in the orders (most frequent ``currency`` value), or None when the data has none."""
    row = query_rows(_con(ws), "select mode(currency) from orders where currency is not null")
    return row[0][0] if row else None


def workspace_currency(ws) -> str | None:
    """The currency of the amounts: the data's own, else the one the owner chose for the workspace, else None
    (amounts are then shown without a symbol, never with a guessed one)."""
    found = data_currency(ws)
    if found:
        return found
    return ws.setting("currency") if hasattr(ws, "setting") else None


# ----- the KPI table ---------------------------------------------------------------------------------
_BUCKET_COLUMNS = tuple(f"{prefix}_{grain}" for prefix in ("b", "prev_b", "first_b") for grain in PERIODS)


def _kpi_frame(con, period: str, anchor: dt.date, days: int) -> pd.DataFrame:
    _prepare(con)
    sql = sql_text("queries/performance/kpis/kpi_table.sql")
    if period == "custom":
        sql = (sql.replace("{b}", "kpi_bucket(ordered_at, $grain, $anchor, $days)")
               .replace("{prev_b}", "kpi_bucket(prev_order_at, $grain, $anchor, $days)"))
    else:  # period numbers precomputed in the mart
        sql = (sql.replace("{b}", quote_ident(f"b_{period}", _BUCKET_COLUMNS))
               .replace("{prev_b}", quote_ident(f"prev_b_{period}", _BUCKET_COLUMNS)))
    # without events or feedback, skip their joins altogether (they cost more than the order KPIs)
    if not query_rows(con, "select exists (select 1 from events)")[0][0]:
        sql = sql.replace("from events e", "from (select * from events where false) e")
    if not query_rows(con, "select exists (select 1 from feedback)")[0][0]:
        sql = sql.replace("    from feedback\n", "    from (select * from feedback where false)\n")
    df = query_df(con, sql, {"grain": period, "anchor": anchor, "days": days})
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
    _check_period(period)
    con = _con(ws)
    if period == "custom":
        if start is None or end is None:
            raise ValueError("a custom period needs both a start and an end date")
        start, end = _as_date(start, "start"), _as_date(end, "end")
        if end < start:
            raise ValueError(f"the end date {end} is before the start date {start}")
        df = _kpi_frame(con, "custom", start, (end - start).days + 1)
        out = df[df["bucket"] == 0]
        if out.empty:  # no orders in or after the range: still answer with one row of zeros
            out = _empty_custom_row(df, start, end)
        return out.reset_index(drop=True)
    df = _kpi_frame(con, period, _WEEK_ORIGIN, 1)
    if start is not None:
        df = df[df["period_end"] > _as_date(start, "start")]
    if end is not None:
        df = df[df["period"] <= _as_date(end, "end")]
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
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if end < start:
        raise ValueError(f"the end date {end} is before the start date {start}")
    frame = _kpi_frame(_con(ws), "custom", start, (end - start).days + 1)
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


# ----- targets ---------------------------------------------------------------------------------------
_TARGETS_DDL = """
create table if not exists kpi_targets (
    grain       varchar not null,
    period_key  varchar not null,   -- ISO date of the period start, or '*' for every period of this grain
    kpi         varchar not null,
    target      double not null,
    set_at      timestamp,
    primary key (grain, period_key, kpi)
)
"""
ALL_PERIODS = "*"


def set_target(ws, kpi: str, target: float | None, period: str = "month", period_start_day=None) -> None:
    """Store the manager's target for ``kpi`` (for one period, or every period of the grain when
    ``period_start_day`` is None). ``target=None`` removes it. Saved in the workspace's ``kpi_targets`` table
    without touching the data version, so cached figures stay valid."""
    if kpi not in KPI_DEFINITIONS:
        raise ValueError(f"unknown KPI {kpi!r}; expected one of {sorted(KPI_DEFINITIONS)}")
    _check_period(period)
    key = ALL_PERIODS if period_start_day is None else _as_date(period_start_day, "period start").isoformat()
    con = _con(ws)
    con.execute(_TARGETS_DDL)
    con.execute("delete from kpi_targets where grain = ? and period_key = ? and kpi = ?", [period, key, kpi])
    if target is not None:
        value = float(target)
        if value != value:
            raise ValueError(f"target for {kpi} is not a number")
        con.execute("insert into kpi_targets values (?, ?, ?, ?, current_timestamp)", [period, key, kpi, value])


def targets(ws, period: str = "month") -> pd.DataFrame:
    """The stored targets of one grain: columns kpi, period_key ('*' = every period), target."""
    con = _con(ws)
    if not table_exists(con, "kpi_targets"):
        return pd.DataFrame(columns=["kpi", "period_key", "target"])
    return query_df(con, "select kpi, period_key, target from kpi_targets where grain = $grain order by kpi",
                    {"grain": period})


def target_for(stored: pd.DataFrame, kpi: str, start) -> float | None:
    """The target that applies to ``kpi`` in the period starting ``start``: its own, else the standing one."""
    rows = stored[stored["kpi"] == kpi]
    if rows.empty:
        return None
    key = _as_date(start, "period start").isoformat() if start is not None else ALL_PERIODS
    own = rows[rows["period_key"] == key]
    if not own.empty:
        return float(own["target"].iloc[0])
    standing = rows[rows["period_key"] == ALL_PERIODS]
    return float(standing["target"].iloc[0]) if not standing.empty else None


def target_status(kpi: str, value, target) -> str | None:
    """'met', 'missed', or None when there is no target or no value."""
    if target is None or value is None or pd.isna(value):
        return None
    if kpi in LOWER_IS_BETTER:
        return "met" if value <= target else "missed"
    return "met" if value >= target else "missed"


# ----- comparisons -----------------------------------------------------------------------------------
def compare_periods(ws, period: str, current, with_targets: bool = True,
                    table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each KPI in the ``current`` period against the previous period and the same period last year.

    ``current`` is any day inside the period (week/month/quarter), or a ``(start, end)`` pair of inclusive
    dates for ``period='custom'`` (previous = the same number of days just before; last year = the same
    dates a year earlier).

    Out: one row per KPI key with label, unit, current, previous, change, change_pct, last_year,
    yoy_change, yoy_pct, target, status ('met' / 'missed' / None), lower_is_better. With
    ``with_targets=False`` target and status are left empty (see :func:`apply_targets`): a page can then
    cache the comparison while targets change. ``table``: the unfiltered :func:`kpi_table` of this period
    length when the caller has it already (saves computing it twice; ignored for custom ranges).
    """
    _check_period(period)
    con = _con(ws)
    if period == "custom":
        start, end = (_as_date(v, "custom range") for v in current)
        days = (end - start).days + 1
        frame = _kpi_frame(con, "custom", start, days)
        cur = frame[frame["bucket"] == 0]
        prev = frame[frame["bucket"] == -1]
        ly_start = _minus_year(start)
        ly_frame = _kpi_frame(con, "custom", ly_start, days)
        last_year = ly_frame[ly_frame["bucket"] == 0]
        current_start = start
    else:
        current_start = period_start(current, period)
        frame = table if table is not None else _kpi_frame(con, period, _WEEK_ORIGIN, 1)
        by_start = frame.set_index("period")
        cur = by_start.loc[[current_start]] if current_start in by_start.index else frame.iloc[0:0]
        prev_start = shift_period(current_start, period, -1)
        prev = by_start.loc[[prev_start]] if prev_start in by_start.index else frame.iloc[0:0]
        ly_start = shift_period(current_start, period, {"week": -52, "month": -12, "quarter": -4}[period])
        last_year = by_start.loc[[ly_start]] if ly_start in by_start.index else frame.iloc[0:0]
    rows = []
    for key, (label, unit, _definition) in KPI_DEFINITIONS.items():
        value = _value(cur, key)
        before = _value(prev, key)
        ly = _value(last_year, key)
        rows.append(dict(
            kpi=key, label=label, unit=unit, current=value, previous=before,
            change=_diff(value, before), change_pct=_pct(value, before),
            last_year=ly, yoy_change=_diff(value, ly), yoy_pct=_pct(value, ly),
            target=None, status=None, lower_is_better=key in LOWER_IS_BETTER))
    out = pd.DataFrame(rows)
    out.attrs["period_start"] = current_start.isoformat()
    return apply_targets(con, out, period, current_start) if with_targets else out


def apply_targets(ws, comparison: pd.DataFrame, period: str, current_start) -> pd.DataFrame:
    """Fill ``target`` and ``status`` of a :func:`compare_periods` frame from the stored targets."""
    stored = targets(_con(ws), period)
    out = comparison.copy()
    out["target"] = [target_for(stored, k, current_start) for k in out["kpi"]]
    out["status"] = [target_status(k, v, t) for k, v, t in zip(out["kpi"], out["current"], out["target"])]
    return out


def _minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _value(frame: pd.DataFrame, key: str):
    if frame.empty or key not in frame:
        return None
    value = frame[key].iloc[0]
    return None if pd.isna(value) else float(value)


def _diff(a, b):
    return None if a is None or b is None else a - b


def _pct(a, b):
    return None if a is None or b is None or b == 0 else (a - b) / abs(b)


# ----- the revenue bridge ----------------------------------------------------------------------------
BRIDGE_METHOD = (
    "Revenue of **new customers** (first order in the period) and of **returning customers** (first order "
    "before it) is each written as *customers × orders per customer × average order value*. The change of "
    "each product is split between its three factors by the **Shapley method**: each factor's effect is its "
    "contribution averaged over every order in which the factors could be switched from the first period's "
    "value to the second's, so the result does not depend on an arbitrary order. Two more lines close the "
    "bridge: **guests** (orders with no customer id) and **refunds** of customers who placed no order in the "
    "period. The effects add up exactly to the change in net revenue.")
BRIDGE_GROUPS = ("new", "returning")
BRIDGE_FACTORS = ("customers", "orders_per_customer", "aov")
MOVER_DIMENSIONS = ("category", "channel", "country", "segment")
_ORDER_DIMENSIONS = ("channel", "country")


def _range_of(value, period: str) -> tuple[dt.date, dt.date, str]:
    """(start, end exclusive, label) for a period start/day or an inclusive (start, end) pair."""
    if isinstance(value, (tuple, list)):
        start, end = (_as_date(v, "range") for v in value)
        if end < start:
            raise ValueError(f"the end date {end} is before the start date {start}")
        stop = end + dt.timedelta(days=1)
        return start, stop, period_label(start, "custom", stop)
    start = period_start(value, period)
    return start, period_end(start, period), period_label(start, period)


def _shapley(before: tuple[Fraction, ...], after: tuple[Fraction, ...]) -> list[Fraction]:
    """Shapley decomposition of the change of a product of factors: exact, symmetric, sums to the change.

    Each factor's effect is its marginal contribution (switching it from the old to the new value),
    averaged over every order in which the factors can be switched.
    """
    n = len(before)

    def product(switched: frozenset) -> Fraction:
        out = Fraction(1)
        for i in range(n):
            out *= after[i] if i in switched else before[i]
        return out

    effects = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        total = Fraction(0)
        for size in range(n):
            weight = Fraction(factorial(size) * factorial(n - size - 1), factorial(n))
            for subset in combinations(others, size):
                s = frozenset(subset)
                total += weight * (product(s | {i}) - product(s))
        effects.append(total)
    return effects


def _group_figures(con, start: dt.date, stop: dt.date) -> dict[str, dict[str, Decimal]]:
    rows = query_rows(con, "queries/performance/kpis/bridge_groups.sql",
                      {"start": dt.datetime.combine(start, dt.time()), "end": dt.datetime.combine(stop, dt.time())})
    out = {g: dict(customers=0, orders=0, active_revenue=Decimal(0), orphan_revenue=Decimal(0))
           for g in BRIDGE_GROUPS + ("other",)}
    for group, customers, orders, active, orphan in rows:
        out[group] = dict(customers=int(customers), orders=int(orders),
                          active_revenue=Decimal(str(active)), orphan_revenue=Decimal(str(orphan)))
    return out


def revenue_bridge(ws, period_a, period_b, period: str = "month", top: int = 5) -> dict[str, Any]:
    """Decompose the change in net revenue from period A to period B exactly.

    ``period_a``/``period_b``: a day inside a week/month/quarter (per ``period``), or an inclusive
    ``(start, end)`` date pair. Method: revenue of new customers (first order in the period) and of returning
    customers (first order before it) is each written as customers × orders per customer × AOV; the change
    of each product is split between the three factors by the Shapley method (each factor's effect averaged
    over every order of switching factors from A to B), which is exact and does not depend on an order.
    Three more lines close the bridge: guests and ids with no real order yet ("guests"), and refunds of new
    or returning customers who placed no order in the period ("refunds"). A group absent in one period puts
    its whole change on its customers effect. Effects are rounded to 0.0001 and the rounding remainder (at
    most a few ten-thousandths) goes to the largest effect, so the parts add up to the change exactly.

    Out: dict with period labels and ranges, revenue_a, revenue_b, change (Decimal), change_pct, currency,
    ``groups`` (DataFrame: group, customers/orders/aov in A and B), ``effects`` (DataFrame: group, factor,
    amount as Decimal) and ``largest_movers`` (DataFrame: dimension, value, revenue_a, revenue_b, change).
    """
    con = _con(ws)
    a_start, a_stop, a_label = _range_of(period_a, period)
    b_start, b_stop, b_label = _range_of(period_b, period)
    fig_a = _group_figures(con, a_start, a_stop)
    fig_b = _group_figures(con, b_start, b_stop)

    def revenue(figs):
        return sum((f["active_revenue"] + f["orphan_revenue"] for f in figs.values()), Decimal(0))

    revenue_a, revenue_b = revenue(fig_a), revenue(fig_b)
    change = revenue_b - revenue_a

    exact: list[tuple[str, str, Fraction]] = []
    group_rows = []
    for group in BRIDGE_GROUPS:
        fa, fb = fig_a[group], fig_b[group]
        factors_a = _factors(fa)
        factors_b = _factors(fb)
        delta = Fraction(fb["active_revenue"]) - Fraction(fa["active_revenue"])
        if fa["customers"] == 0 or fb["customers"] == 0:
            parts = [delta, Fraction(0), Fraction(0)]
        else:
            parts = _shapley(factors_a, factors_b)
        exact += [(group, factor, part) for factor, part in zip(BRIDGE_FACTORS, parts)]
        group_rows.append(dict(
            group=group, customers_a=fa["customers"], customers_b=fb["customers"],
            orders_a=fa["orders"], orders_b=fb["orders"],
            orders_per_customer_a=float(factors_a[1]) if fa["customers"] else None,
            orders_per_customer_b=float(factors_b[1]) if fb["customers"] else None,
            aov_a=float(factors_a[2]) if fa["orders"] else None, aov_b=float(factors_b[2]) if fb["orders"] else None,
            revenue_a=fa["active_revenue"] + fa["orphan_revenue"],
            revenue_b=fb["active_revenue"] + fb["orphan_revenue"]))
    exact.append(("guests", "revenue", Fraction(fig_b["other"]["active_revenue"] + fig_b["other"]["orphan_revenue"])
                  - Fraction(fig_a["other"]["active_revenue"] + fig_a["other"]["orphan_revenue"])))
    exact.append(("refunds", "revenue",
                  Fraction(sum((fig_b[g]["orphan_revenue"] for g in BRIDGE_GROUPS), Decimal(0)))
                  - Fraction(sum((fig_a[g]["orphan_revenue"] for g in BRIDGE_GROUPS), Decimal(0)))))
    amounts = _round_exactly([p for _, _, p in exact], change)
    effects = pd.DataFrame([dict(group=g, factor=f, amount=a) for (g, f, _), a in zip(exact, amounts)])

    return dict(
        period=period, period_a=a_label, period_b=b_label, range_a=(a_start, a_stop), range_b=(b_start, b_stop),
        revenue_a=revenue_a, revenue_b=revenue_b, change=change,
        change_pct=float(change / revenue_a) if revenue_a else None,
        currency=workspace_currency(con), groups=pd.DataFrame(group_rows), effects=effects,
        largest_movers=largest_movers(con, (a_start, a_stop), (b_start, b_stop), top=top),
    )


def _factors(fig: dict) -> tuple[Fraction, Fraction, Fraction]:
    customers = Fraction(fig["customers"])
    orders = Fraction(fig["orders"])
    revenue = Fraction(fig["active_revenue"])
    per_customer = orders / customers if customers else Fraction(0)
    aov = revenue / orders if orders else Fraction(0)
    return customers, per_customer, aov


def _round_exactly(parts: list[Fraction], total: Decimal) -> list[Decimal]:
    """Round each part to the money step; give the remainder to the largest part so they sum to ``total``."""
    rounded = [(Decimal(p.numerator) / Decimal(p.denominator)).quantize(MONEY_STEP) if p else Decimal(0)
               for p in parts]
    remainder = total - sum(rounded, Decimal(0))
    if remainder and rounded:
        largest = max(range(len(parts)), key=lambda i: abs(parts[i]))
        rounded[largest] += remainder
    return rounded


def _segment_table(con) -> str | None:
    """A table of this workspace with customer_id and segment columns (made by the segments page), if any."""
    rows = query_rows(con, """
        select table_name from information_schema.columns
        where table_schema = 'main' and column_name in ('customer_id', 'segment')
        group by table_name having count(distinct column_name) = 2
        order by table_name""")
    return rows[0][0] if rows else None


def largest_movers(ws, range_a: tuple[dt.date, dt.date], range_b: tuple[dt.date, dt.date],
                   top: int = 5) -> pd.DataFrame:
    """Net revenue by category, channel, country (and segment where a segment table exists) in two date
    ranges ([start, end) each); the ``top`` values with the largest absolute change per dimension.

    Out: dimension, value, revenue_a, revenue_b, change — sorted by dimension, then |change| descending.
    """
    con = _con(ws)
    params = {"a_start": range_a[0], "a_end": range_a[1], "b_start": range_b[0], "b_end": range_b[1]}
    ts_params = {k: dt.datetime.combine(v, dt.time()) for k, v in params.items()}
    frames = []
    cat = query_df(con, "queries/performance/kpis/movers_category.sql", params)
    frames.append(cat.assign(dimension="category"))
    for dim in _ORDER_DIMENSIONS:
        sql = sql_text("queries/performance/kpis/movers_orders.sql").replace("{dimension}", quote_ident(dim, _ORDER_DIMENSIONS))
        frames.append(query_df(con, sql, ts_params).assign(dimension=dim))
    seg_table = _segment_table(con)
    if seg_table:
        sql = sql_text("queries/performance/kpis/movers_segment.sql").replace("{table}", quote_ident(seg_table, [seg_table]))
        frames.append(query_df(con, sql, ts_params).assign(dimension="segment"))
    movers = pd.concat(frames, ignore_index=True)
    if movers.empty:
        return pd.DataFrame(columns=["dimension", "value", "revenue_a", "revenue_b", "change"])
    movers["revenue_a"] = movers["revenue_a"].astype(float)
    movers["revenue_b"] = movers["revenue_b"].astype(float)
    movers["change"] = movers["revenue_b"] - movers["revenue_a"]
    movers["size"] = movers["change"].abs()
    movers = (movers[movers["size"] > 0].sort_values(["dimension", "size"], ascending=[True, False])
              .groupby("dimension", sort=False).head(top))
    return movers[["dimension", "value", "revenue_a", "revenue_b", "change"]].reset_index(drop=True)


_PHRASES = {
    ("customers", 1): "more {who} customers ordered ({a:,} → {b:,})",
    ("customers", -1): "fewer {who} customers ordered ({a:,} → {b:,})",
    ("orders_per_customer", 1): "{who} customers ordered more often ({a:.2f} → {b:.2f} orders each)",
    ("orders_per_customer", -1): "{who} customers ordered less often ({a:.2f} → {b:.2f} orders each)",
    ("aov", 1): "{who} customers spent more per order (AOV {a} → {b})",
    ("aov", -1): "{who} customers spent less per order (AOV {a} → {b})",
}
_ACTIONS = {
    ("returning", "customers"): "Win back lapsed customers: a reactivation email to those who bought last "
                                "period but not this one.",
    ("returning", "orders_per_customer"): "Prompt the next order: reorder reminders or a loyalty offer for "
                                          "returning customers.",
    ("returning", "aov"): "Lift basket size for regulars: bundles, free-shipping thresholds, cross-sell.",
    ("new", "customers"): "Check acquisition: which channels brought fewer first orders (see the movers).",
    ("new", "orders_per_customer"): "Improve the first weeks: a welcome series to earn a second order.",
    ("new", "aov"): "Review first-order discounts and the starter range: new customers spend less per order.",
}


def explain_bridge(bridge: dict[str, Any], currency: str | None = None, threshold: float = 0.02) -> list[str]:
    """Sentences a manager can act on, from :func:`revenue_bridge`.

    The first sentence gives the change and its two largest drivers; a group whose revenue moved by less
    than ``threshold`` × revenue of period A is said to have held. Then the largest movers, and one
    suggested action for the largest negative driver (or a note of what drove growth).
    """
    currency = currency or bridge.get("currency")
    money = lambda v: format_money(v, currency)  # noqa: E731 — a local shorthand
    signed = lambda v: ("+" if v > 0 else "") + format_money(v, currency)  # noqa: E731
    change, base = bridge["change"], bridge["revenue_a"]
    effects = bridge["effects"]
    groups = bridge["groups"].set_index("group")
    sentences = []

    verb = "rose" if change > 0 else "fell" if change < 0 else "was unchanged"
    pct = f" {abs(bridge['change_pct']):.0%}" if bridge.get("change_pct") is not None and change else ""
    head = f"Revenue {verb}{pct} vs {bridge['period_a']} ({money(base)} → {money(bridge['revenue_b'])})"

    drivers = effects[effects["factor"].isin(BRIDGE_FACTORS)].copy()
    drivers["size"] = drivers["amount"].map(lambda v: abs(float(v)))
    drivers = drivers[drivers["size"] > 0].sort_values("size", ascending=False)
    reasons = []
    for _, row in drivers.head(2).iterrows():
        g = groups.loc[row["group"]]
        sign = 1 if row["amount"] > 0 else -1
        a, b = _factor_values(g, row["factor"], money)
        reasons.append(_PHRASES[(row["factor"], sign)].format(who=row["group"], a=a, b=b)
                       + f" ({signed(row['amount'])})")
    held = []
    for group in BRIDGE_GROUPS:
        g_change = effects.loc[effects["group"] == group, "amount"].sum()
        if base and abs(float(g_change)) < threshold * abs(float(base)) and group not in " ".join(reasons):
            held.append(f"{group}-customer revenue held ({signed(g_change)})")
    if reasons or held:
        head += ": " + "; ".join(reasons + held)
    sentences.append(head + ".")

    other = effects[effects["group"].isin(["guests", "refunds"])]
    for _, row in other.iterrows():
        if base and abs(float(row["amount"])) >= threshold * abs(float(base)):
            what = "Guest orders" if row["group"] == "guests" else "Refunds from customers with no order this period"
            sentences.append(f"{what} changed revenue by {signed(row['amount'])}.")

    movers = bridge["largest_movers"]
    if not movers.empty:
        top = movers.reindex(movers["change"].abs().sort_values(ascending=False).index).head(3)
        parts = [f"{r.dimension} {r.value} ({signed(r.change)})" for r in top.itertuples()]
        sentences.append("Largest movers: " + ", ".join(parts) + ".")

    negatives = drivers[drivers["amount"] < 0]
    if not negatives.empty:
        worst = negatives.iloc[0]
        sentences.append("Next step: " + _ACTIONS[(worst["group"], worst["factor"])])
    elif not drivers.empty:
        best = drivers.iloc[0]
        sentences.append(f"Growth came mostly from {best['group']} customers' "
                         f"{KPI_DEFINITIONS.get(best['factor'], (best['factor'].replace('_', ' '),))[0].lower()}"
                         f" ({signed(best['amount'])}): keep doing what drove it.")
    return sentences


def _factor_values(g: pd.Series, factor: str, money) -> tuple:
    if factor == "customers":
        return int(g["customers_a"]), int(g["customers_b"])
    if factor == "orders_per_customer":
        return (g["orders_per_customer_a"] or 0.0), (g["orders_per_customer_b"] or 0.0)
    return (money(g["aov_a"]) if g["aov_a"] is not None and not pd.isna(g["aov_a"]) else "—",
            money(g["aov_b"]) if g["aov_b"] is not None and not pd.isna(g["aov_b"]) else "—")


# ----- demand by hour x weekday -----------------------------------------------------------------------
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def demand_heatmap(ws, start=None, end=None) -> pd.DataFrame:
    """Orders and net revenue by weekday (1 = Monday) × hour of day, real orders only.

    Out: weekday, weekday_name, hour, orders, net_revenue (long format; :func:`pivot` for a grid). When the
    order times are dates only (every order at midnight) the result is empty and ``df.attrs["reason"]`` says
    why; ``df.attrs["reason"]`` is None otherwise.
    """
    con = _con(ws)
    with_time, orders = query_rows(con, "queries/performance/kpis/time_of_day_present.sql")[0]
    columns = ["weekday", "weekday_name", "hour", "orders", "net_revenue"]
    if not orders:
        out = pd.DataFrame(columns=columns)
        out.attrs["reason"] = "There are no orders yet."
        return out
    if not with_time:
        out = pd.DataFrame(columns=columns)
        out.attrs["reason"] = ("The order dates carry no time of day (every order is at 00:00), so demand by "
                               "hour cannot be shown.")
        return out
    params = {"start": dt.datetime.combine(_as_date(start, "start"), dt.time()) if start is not None else None,
              "end": dt.datetime.combine(_as_date(end, "end") + dt.timedelta(days=1), dt.time())
              if end is not None else None}
    df = query_df(con, "queries/performance/kpis/demand.sql", params)
    df["net_revenue"] = df["net_revenue"].astype(float)
    df["weekday_name"] = df["weekday"].map(lambda d: WEEKDAYS[int(d) - 1])
    out = df[columns].reset_index(drop=True)
    out.attrs["reason"] = None
    return out
