"""Expected next-order date per customer, and who is overdue.

Method (stated on the page): a customer's *usual gap* is the mean of their own gaps between order days,
shrunk toward the shop's typical gap (the median of every customer's gaps) in proportion to how much
history they have::

    usual_gap = (k × own_mean_gap + m × shop_gap) / (k + m)

where ``k`` is the customer's number of gaps (order days − 1) and ``m`` = ``prior_gaps`` (default 2) — a
customer with one order gets the shop's typical gap; one with 20 orders essentially their own. The next
order is expected ``usual_gap`` days after the last order day; a customer is overdue by
``as_of − expected`` days when that is positive. Several orders on one day count as one purchase occasion.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from insights.core.dates import data_end
from insights.customers.rhythm import customer_gaps
from insights.customers.shop_shape import SECOND_PURCHASE_INSTEAD, Applicability, ShopShape, shape_numbers

log = logging.getLogger(__name__)

DEFAULT_PRIOR_GAPS = 2.0
LAPSED_RATIO = 3.0      # more than 3 × the usual gap since the last order: lapsed, no longer merely overdue
MIN_REPEAT_BUYERS = 30  # fewer customers with a gap between two orders: the shop's typical gap is not known


def next_orders_apply(shape: ShopShape) -> Applicability:
    """Do expected next-order dates describe this shop? A date rests on the customer's own gaps between orders,
    and for a one-time buyer on the shop's typical gap alone. In a one-time-buyer shop (most customers bought once)
    or with fewer than :data:`MIN_REPEAT_BUYERS` repeat buyers, nearly every date would be the same guess and
    "overdue" would mean nothing more than "bought a while ago"."""
    numbers = shape_numbers(shape) | {"min_repeat_buyers": MIN_REPEAT_BUYERS}
    repeat = shape.customers - shape.one_time_buyers
    if shape.one_time_shop:
        reason = (f"Next-order dates do not apply here: {shape.one_time_share:.1%} of your {shape.customers:,} "
                  f"customers have bought once, so only {repeat:,} have a buying rhythm of their own — for everyone "
                  f"else an expected date would be a guess, and \"overdue\" would only mean \"bought a while ago\".")
    elif repeat < MIN_REPEAT_BUYERS:
        reason = (f"Next-order dates do not apply yet: only {repeat:,} of your {shape.customers:,} customers have "
                  f"bought twice or more, too few to know the shop's usual gap between orders.")
    else:
        return Applicability(True, None, numbers)
    return Applicability(False, reason, numbers, SECOND_PURCHASE_INSTEAD)


def shrunk_gap(own_mean_gap, gaps, shop_gap: float, prior_gaps: float = DEFAULT_PRIOR_GAPS):
    """Usual gap in days: own mean gap (over ``gaps`` gaps) shrunk toward ``shop_gap``. Vectorised.

    >>> shrunk_gap(10.0, 2, 40.0, 2.0)
    25.0
    """
    own = np.nan_to_num(np.asarray(own_mean_gap, dtype=float), nan=0.0)
    k = np.nan_to_num(np.asarray(gaps, dtype=float), nan=0.0)
    return (k * own + prior_gaps * shop_gap) / (k + prior_gaps)


def expected_next_orders(features: pd.DataFrame, as_of, prior_gaps: float = DEFAULT_PRIOR_GAPS) -> pd.DataFrame:
    """From per-customer gaps (:func:`insights.customers.rhythm.customer_gaps`, or the churn features), the
    expected next order per customer.

    In: columns customer_id, last_order_date, mean_gap_days, gaps, shop_gap_days.
    Out: one row per customer: customer_id, usual_gap_days, next_order_expected_at (date),
    overdue_days (≥ 0; 0 when not yet due), recency_ratio (days since last order ÷ usual gap).
    """
    as_of = pd.Timestamp(as_of).normalize()
    if features.empty:
        return pd.DataFrame(columns=["customer_id", "usual_gap_days", "next_order_expected_at", "overdue_days",
                                     "recency_ratio"])
    shop_gap = features["shop_gap_days"].dropna()
    shop_gap = float(shop_gap.iloc[0]) if len(shop_gap) else np.nan
    if not np.isfinite(shop_gap) or shop_gap <= 0:
        # nobody has bought twice: no gap is known; fall back to a month and say so in the log
        log.info("no repeat purchases before %s: the shop's typical gap defaults to 30 days", as_of.date())
        shop_gap = 30.0
    usual = np.maximum(shrunk_gap(features["mean_gap_days"], features["gaps"], shop_gap, prior_gaps), 1.0)
    last = pd.to_datetime(features["last_order_date"])
    if last.isna().any():
        expected = last + pd.to_timedelta(np.round(usual), unit="D")
        overdue = (as_of - expected).dt.days.clip(lower=0)
        recency = (as_of - last).dt.days
        expected_dates, overdue, recency = expected.dt.date.to_numpy(), overdue.to_numpy(dtype=int), recency.to_numpy(dtype=float)
    else:
        # the same arithmetic on numpy datetimes (whole days; days between dates rounded down, as .dt.days does)
        last64 = last.to_numpy()
        expected = last64 + np.round(usual).astype("int64").astype("timedelta64[D]")
        day = np.timedelta64(1, "D")
        overdue = np.maximum((as_of.to_datetime64() - expected) // day, 0).astype(int)
        recency = ((as_of.to_datetime64() - last64) // day).astype(float)
        expected_dates = expected.astype("datetime64[D]").astype(object)
    return pd.DataFrame({
        "customer_id": features["customer_id"].to_numpy(),
        "usual_gap_days": usual,
        "next_order_expected_at": expected_dates,
        "overdue_days": overdue,
        "recency_ratio": recency / usual,
    })


def next_orders_for_workspace(ws, as_of=None, prior_gaps: float = DEFAULT_PRIOR_GAPS) -> pd.DataFrame:
    """Expected next orders for every customer of a workspace, as of ``as_of`` (default: the day after the
    last order in the data). Same columns as :func:`expected_next_orders`, plus last_order_date."""
    as_of = pd.Timestamp(as_of) if as_of is not None else data_end(ws.con)
    if as_of is None:
        return expected_next_orders(pd.DataFrame(), dt.date.today())
    gaps = customer_gaps(ws.con, as_of)
    out = expected_next_orders(gaps, as_of, prior_gaps)
    out.insert(1, "last_order_date", gaps["last_order_date"].to_numpy())
    return out
