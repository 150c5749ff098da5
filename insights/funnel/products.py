"""The funnel per product and per category: of the sessions that viewed a product's (or a category's) page, how
many went on to add to cart and to buy — so that a product viewed but never carted (out of stock, a broken page,
a price nobody accepts) stands out.

Pages are matched to products and categories by their last path segment (``sql/queries/funnel/products/``).
A product is called *worse* when its cart rate is below the other products' and the difference holds after
Holm's adjustment over every product compared; products with fewer than :data:`SMALL` viewing sessions are shown
but never compared. ``carts_lost``: the carts it would have had at the others' rate, less the carts it had.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.db import query_df, query_rows
from insights.core.intervals import holm, two_proportion_p, wilson
from insights.core.workspace import connection
from insights.funnel.funnel import ALPHA, SMALL

LEVELS = {"product": "product", "category": "category"}


COLUMNS = ["subject", "name", "sessions", "carted", "bought", "cart_rate", "cart_low", "cart_high", "buy_rate",
           "small", "p_value", "p_adjusted", "worse", "carts_lost", "others_cart_rate"]


def product_funnel(ws, level: str = "product", since: dt.date | None = None,
                   until: dt.date | None = None) -> pd.DataFrame:
    """One row per product (or category) whose page was viewed between ``since`` and ``until`` (exclusive):
    subject, name, sessions, carted, bought, cart_rate with cart_low/cart_high (Wilson), buy_rate, small,
    p_value, p_adjusted, worse, carts_lost, others_cart_rate (the other subjects' cart rate) — worst first (carts lost), then by sessions."""
    frame = _page_views(ws, level, since, until, by_month=False)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = _compare(frame.assign(month="all"))
    frame = frame.sort_values(["worse", "carts_lost", "sessions"], ascending=[False, False, False])
    return frame[COLUMNS].reset_index(drop=True)


def months_standing_out(ws, level: str = "product") -> pd.DataFrame:
    """The products (categories) carted clearly less than the others *in one month*: one row per month and
    subject called worse, newest month first, with the columns of :func:`product_funnel` and ``month``
    ('YYYY-MM'). Each is compared with the other subjects of its own month; Holm's adjustment runs over every
    (month, subject) compared, so scanning many months does not raise false alarms. A stock-out that lasts a
    month stands out here although the whole period's figures dilute it."""
    frame = _page_views(ws, level, None, None, by_month=True)
    if frame.empty:
        return pd.DataFrame(columns=["month"] + COLUMNS)
    frame = _compare(frame)
    frame = frame[frame["worse"]].sort_values(["month", "carts_lost"], ascending=[False, False])
    return frame[["month"] + COLUMNS].reset_index(drop=True)


def _page_views(ws, level: str, since, until, by_month: bool) -> pd.DataFrame:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return query_df(connection(ws), "queries/funnel/products/page_views.sql",
                    {"level": level, "since": pd.Timestamp(since) if since else None,
                     "until": pd.Timestamp(until) if until else None, "by_month": by_month})


def _compare(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates, Wilson bounds and each subject's cart rate against the other subjects of the same ``month``
    (two-proportion test; Holm over every row compared); carts lost at the others' rate."""
    frame = frame.copy()
    sessions, carted = frame["sessions"].astype(int), frame["carted"].astype(int)
    month_sessions = sessions.groupby(frame["month"]).transform("sum")
    month_carted = carted.groupby(frame["month"]).transform("sum")
    frame["cart_rate"] = carted / sessions
    bounds = [wilson(int(c), int(n)) for c, n in zip(carted, sessions)]
    frame["cart_low"] = [b[0] for b in bounds]
    frame["cart_high"] = [b[1] for b in bounds]
    frame["buy_rate"] = frame["bought"].astype(int) / sessions
    frame["small"] = sessions < SMALL
    rest_n, rest_c = month_sessions - sessions, month_carted - carted
    rest_rate = (rest_c / rest_n.where(rest_n > 0)).fillna(0.0)
    frame["carts_lost"] = (sessions * rest_rate - carted).clip(lower=0).round(1)
    frame["others_cart_rate"] = rest_rate
    tested = ~frame["small"] & (rest_n >= SMALL)
    frame["p_value"] = [two_proportion_p(int(c), int(n), int(rc), int(rn)) if t else None
                        for c, n, rc, rn, t in zip(carted, sessions, rest_c, rest_n, tested)]
    adjusted = holm([p for p in frame.loc[tested, "p_value"]]) if tested.any() else []
    frame["p_adjusted"] = None
    frame.loc[tested, "p_adjusted"] = adjusted
    frame["worse"] = [bool(t and p is not None and p < ALPHA and rate < rr)
                      for t, p, rate, rr in zip(tested, frame["p_adjusted"], frame["cart_rate"], rest_rate)]
    return frame


def event_months(ws) -> list[str]:
    """The months that have events, newest first (``2025-07``): the periods the page offers."""
    return [row[0] for row in query_rows(connection(ws), "queries/funnel/products/months.sql")]


def stand_out(frame: pd.DataFrame, level: str = "product") -> list[str]:
    """One sentence per product (category) called worse: what happened and what to check. ``frame`` is
    :func:`product_funnel`'s (one period) or :func:`months_standing_out`'s (each row against its own month)."""
    if frame.empty:
        return []
    out = []
    for row in frame[frame["worse"]].itertuples():
        rest = row.others_cart_rate
        named = row.name if row.name == row.subject or not row.name else f"{row.name} ({row.subject})"
        when = f" in {pd.Period(row.month).strftime('%B %Y')}" if "month" in frame and row.month else ""
        out.append(f"{named}{when}: viewed in {row.sessions:,} sessions, which went on to add to cart in {row.carted:,} "
                   f"({row.cart_rate:.1%}) against {rest:.1%} for other {level == 'product' and 'products' or 'categories'} "
                   f"— about {row.carts_lost:,.0f} carts lost. Check its stock, its page and its price.")
    return out
