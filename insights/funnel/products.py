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


def product_funnel(ws, level: str = "product", since: dt.date | None = None,
                   until: dt.date | None = None) -> pd.DataFrame:
    """One row per product (or category) whose page was viewed between ``since`` and ``until`` (exclusive):
    subject, name, sessions, carted, bought, cart_rate with cart_low/cart_high (Wilson), buy_rate, small,
    p_value, p_adjusted, worse, carts_lost — worst first (carts lost), then by sessions."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    frame = query_df(connection(ws), "queries/funnel/products/page_views.sql",
                     {"level": level, "since": pd.Timestamp(since) if since else None,
                      "until": pd.Timestamp(until) if until else None})
    columns = ["subject", "name", "sessions", "carted", "bought", "cart_rate", "cart_low", "cart_high",
               "buy_rate", "small", "p_value", "p_adjusted", "worse", "carts_lost"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    sessions, carted = frame["sessions"].astype(int), frame["carted"].astype(int)
    total_sessions, total_carted = int(sessions.sum()), int(carted.sum())
    frame["cart_rate"] = carted / sessions
    bounds = [wilson(int(c), int(n)) for c, n in zip(carted, sessions)]
    frame["cart_low"] = [b[0] for b in bounds]
    frame["cart_high"] = [b[1] for b in bounds]
    frame["buy_rate"] = frame["bought"].astype(int) / sessions
    frame["small"] = sessions < SMALL
    rest_n, rest_c = total_sessions - sessions, total_carted - carted
    rest_rate = (rest_c / rest_n.where(rest_n > 0)).fillna(0.0)
    frame["carts_lost"] = (sessions * rest_rate - carted).clip(lower=0).round(1)
    tested = ~frame["small"] & (rest_n >= SMALL)
    frame["p_value"] = [two_proportion_p(int(c), int(n), int(rc), int(rn)) if t else None
                        for c, n, rc, rn, t in zip(carted, sessions, rest_c, rest_n, tested)]
    adjusted = holm([p for p in frame.loc[tested, "p_value"]]) if tested.any() else []
    frame["p_adjusted"] = None
    frame.loc[tested, "p_adjusted"] = adjusted
    frame["worse"] = [bool(t and p is not None and p < ALPHA and rate < rr)
                      for t, p, rate, rr in zip(tested, frame["p_adjusted"], frame["cart_rate"], rest_rate)]
    frame = frame.sort_values(["worse", "carts_lost", "sessions"], ascending=[False, False, False])
    return frame[columns].reset_index(drop=True)


def event_months(ws) -> list[str]:
    """The months that have events, newest first (``2025-07``): the periods the page offers."""
    return [row[0] for row in query_rows(connection(ws), "queries/funnel/products/months.sql")]


def stand_out(frame: pd.DataFrame, level: str = "product") -> list[str]:
    """One sentence per product (category) called worse: what happened and what to check."""
    if frame.empty:
        return []
    total_n, total_c = int(frame["sessions"].sum()), int(frame["carted"].sum())
    out = []
    for row in frame[frame["worse"]].itertuples():
        rest = (total_c - row.carted) / (total_n - row.sessions) if total_n > row.sessions else 0.0
        named = row.name if row.name == row.subject or not row.name else f"{row.name} ({row.subject})"
        out.append(f"{named}: viewed in {row.sessions:,} sessions, which went on to add to cart in {row.carted:,} "
                   f"({row.cart_rate:.1%}) against {rest:.1%} for other {level == 'product' and 'products' or 'categories'} "
                   f"— about {row.carts_lost:,.0f} carts lost. Check its stock, its page and its price.")
    return out
