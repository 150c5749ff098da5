"""Each customer's visits to the site in a window: how many, the last, the last that viewed and the last that added
to cart, carts left, pages viewed, and whether they bought since (``sql/queries/core/visits/visitors.sql``).

In core because two rooms read it: the funnel's win-back lists and the segment builder's filters ("left a cart in
the last 7 days").
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.db import query_df
from insights.core.workspace import connection

ALL_TIME_DAYS = 100 * 366


def visitors(ws, days: int = ALL_TIME_DAYS, as_of: dt.date | None = None,
             customer_id: str | None = None) -> pd.DataFrame:
    """One row per identified customer who visited in the ``days`` before ``as_of`` (exclusive; default the day
    after the last event): customer_id, as_of, name, email, consent_email, visits, last_visit_at, last_view_at,
    last_cart_at, carts_left, pages_viewed, last_order_date, orders, net_revenue, browsed_not_bought,
    cart_not_bought. An anonymous visit that carries a customer id at any point is that customer's."""
    if int(days) < 1:
        raise ValueError(f"days must be at least 1, not {days!r}")
    return query_df(connection(ws), "queries/core/visits/visitors.sql",
                    {"days": int(days), "as_of": pd.Timestamp(as_of) if as_of is not None else None,
                     "customer_id": customer_id})
