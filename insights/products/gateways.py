"""Products that bring customers back: which products (or categories) in a customer's first order go with a
second order within ``window_days``, against the shop's average.

Only identified customers whose first order is at least ``window_days`` before the end of the history count
(the others could not have come back yet), and not those whose first order falls in the data's first month: they
may have bought before the data begins (:func:`insights.core.dates.in_first_month`, the second-purchase view's
rule); they are counted in ``before_data``. For each item: customers whose first order held it, how many ordered
again (on a later day) within the window, the Wilson 95% interval of that share, and ``extra_repeat`` = repeats
beyond what the shop's average rate would give. An item is called a gateway when its interval's low end is above
the average and Fisher's exact test against the customers without it (second orders are rare in many shops, where
the z-test's normal tail calls chance a difference) survives Holm's adjustment across every item tested; items
bought first by fewer than ``SMALL_COHORT`` customers are marked small and not tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.core.dates import in_first_month
from insights.core.intervals import fisher_p, holm_where_tested, wilson
from insights.products.lines import item_column, item_names

SMALL_COHORT = 30
GATEWAY_COLUMNS = ["product", "name", "customers", "repeat_customers", "repeat_rate", "ci_low", "ci_high",
                   "vs_average", "extra_repeat", "p_value", "small", "gateway"]


@dataclass(frozen=True)
class Gateways:
    """``items``: one row per first-order item (GATEWAY_COLUMNS), most extra repeat customers first;
    ``customers``: first-time customers counted; ``average``: the shop's repeat rate; ``before_data``: customers
    left out because their first order falls in the data's first month."""
    items: pd.DataFrame
    customers: int
    average: float
    window_days: int
    before_data: int = 0

    @property
    def found(self) -> pd.DataFrame:
        return self.items.loc[self.items["gateway"].astype(bool)]


def first_orders(lines: pd.DataFrame, end: pd.Timestamp, window_days: int = 90, start=None) -> pd.DataFrame:
    """One row per (customer, first-order line) with ``repeat``: another order on a later day within the window,
    and ``before_data``: the first order falls in the month of ``start`` (default: the earliest first order).
    Customers whose first order is less than ``window_days`` before ``end`` are left out."""
    known = lines.dropna(subset=["customer_id"])
    if known.empty:
        return known.assign(repeat=pd.Series(dtype=bool), before_data=pd.Series(dtype=bool))
    days = known.assign(day=known["ordered_at"].dt.normalize())
    first_day = days.groupby("customer_id")["day"].transform("min")
    window = pd.Timedelta(days=window_days)
    later = days[(days["day"] > first_day) & (days["day"] <= first_day + window)]
    returned = set(later["customer_id"])
    first_order = days[days["day"] == first_day]
    early = in_first_month(first_order["day"], start)
    first_order = first_order.assign(before_data=early)
    first_order = first_order[first_order["day"] + window <= end]
    return first_order.assign(repeat=first_order["customer_id"].isin(returned))


def gateways(lines: pd.DataFrame, end: pd.Timestamp, level: str = "product", window_days: int = 90,
             alpha: float = 0.05, start=None) -> Gateways:
    """First-order items ranked by the extra repeat customers they account for (see the module docstring).
    ``start``: a day in the data's first month (default: the earliest first order in ``lines``) — pass it when
    ``lines`` holds only some of the shop's customers."""
    code, _ = item_column(level)
    first = first_orders(lines, end, window_days, start).dropna(subset=[code])
    before_data = int(first.loc[first["before_data"], "customer_id"].nunique())
    first = first[~first["before_data"]]
    per_customer = first.groupby("customer_id")["repeat"].first()
    total, repeats = len(per_customer), int(per_customer.sum())
    average = repeats / total if total else 0.0
    if not total:
        return Gateways(pd.DataFrame(columns=GATEWAY_COLUMNS), 0, 0.0, window_days, before_data)
    per_item = (first.drop_duplicates(["customer_id", code]).groupby(code)["repeat"]
                .agg(customers="size", repeat_customers="sum").reset_index())
    names = item_names(lines, level)
    rows = []
    for item, n, x in per_item.itertuples(index=False):
        low, high = wilson(int(x), int(n))
        p = fisher_p(int(x), int(n), repeats - int(x), total - int(n)) if n >= SMALL_COHORT else np.nan
        rows.append((str(item), names.get(str(item), ""), int(n), int(x), x / n, low, high,
                     (x / n) / average if average else np.nan, x - n * average, p, n < SMALL_COHORT))
    items = pd.DataFrame(rows, columns=GATEWAY_COLUMNS[:-1])
    adjusted = holm_where_tested(items["p_value"])
    tested = items["p_value"].notna()
    items["gateway"] = tested & (adjusted <= alpha) & (items["ci_low"] > average)
    items = items.sort_values(["gateway", "extra_repeat"], ascending=[False, False]).reset_index(drop=True)
    return Gateways(items[GATEWAY_COLUMNS], total, average, window_days, before_data)
