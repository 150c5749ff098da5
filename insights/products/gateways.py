"""Products that bring customers back: which products (or categories) in a customer's first order go with a
second order within ``window_days``, against the shop's average.

Only identified customers whose first order is at least ``window_days`` before the end of the history count
(the others could not have come back yet). For each item: customers whose first order held it, how many ordered
again (on a later day) within the window, the Wilson 95% interval of that share, and ``extra_repeat`` = repeats
beyond what the shop's average rate would give. An item is called a gateway when its interval's low end is above
the average and a two-proportion test against the customers without it survives Holm's adjustment across every
item tested; items bought first by fewer than ``SMALL_COHORT`` customers are marked small and not tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.core.intervals import holm, two_proportion_p, wilson
from insights.products.lines import item_column, item_names

SMALL_COHORT = 30
GATEWAY_COLUMNS = ["product", "name", "customers", "repeat_customers", "repeat_rate", "ci_low", "ci_high",
                   "vs_average", "extra_repeat", "p_value", "small", "gateway"]


@dataclass(frozen=True)
class Gateways:
    """``items``: one row per first-order item (GATEWAY_COLUMNS), most extra repeat customers first;
    ``customers``: first-time customers counted; ``average``: the shop's repeat rate."""
    items: pd.DataFrame
    customers: int
    average: float
    window_days: int

    @property
    def found(self) -> pd.DataFrame:
        return self.items.loc[self.items["gateway"].astype(bool)]


def first_orders(lines: pd.DataFrame, end: pd.Timestamp, window_days: int = 90) -> pd.DataFrame:
    """One row per (customer, first-order line) with ``repeat``: another order on a later day within the window.
    Customers whose first order is less than ``window_days`` before ``end`` are left out."""
    known = lines.dropna(subset=["customer_id"])
    if known.empty:
        return known.assign(repeat=pd.Series(dtype=bool))
    days = known.assign(day=known["ordered_at"].dt.normalize())
    first_day = days.groupby("customer_id")["day"].transform("min")
    window = pd.Timedelta(days=window_days)
    later = days[(days["day"] > first_day) & (days["day"] <= first_day + window)]
    returned = set(later["customer_id"])
    first_order = days[days["day"] == first_day]
    first_order = first_order[first_order["day"] + window <= end]
    return first_order.assign(repeat=first_order["customer_id"].isin(returned))


def gateways(lines: pd.DataFrame, end: pd.Timestamp, level: str = "product", window_days: int = 90,
             alpha: float = 0.05) -> Gateways:
    """First-order items ranked by the extra repeat customers they account for (see the module docstring)."""
    code, _ = item_column(level)
    first = first_orders(lines, end, window_days).dropna(subset=[code])
    per_customer = first.groupby("customer_id")["repeat"].first()
    total, repeats = len(per_customer), int(per_customer.sum())
    average = repeats / total if total else 0.0
    if not total:
        return Gateways(pd.DataFrame(columns=GATEWAY_COLUMNS), 0, 0.0, window_days)
    per_item = (first.drop_duplicates(["customer_id", code]).groupby(code)["repeat"]
                .agg(customers="size", repeat_customers="sum").reset_index())
    names = item_names(lines, level)
    rows = []
    for item, n, x in per_item.itertuples(index=False):
        low, high = wilson(int(x), int(n))
        p = two_proportion_p(int(x), int(n), repeats - int(x), total - int(n)) if n >= SMALL_COHORT else np.nan
        rows.append((str(item), names.get(str(item), ""), int(n), int(x), x / n, low, high,
                     (x / n) / average if average else np.nan, x - n * average, p, n < SMALL_COHORT))
    items = pd.DataFrame(rows, columns=GATEWAY_COLUMNS[:-1])
    tested = items["p_value"].notna()
    adjusted = pd.Series(np.nan, index=items.index)
    if tested.any():
        adjusted[tested] = holm(items.loc[tested, "p_value"].tolist())
    items["gateway"] = tested & (adjusted <= alpha) & (items["ci_low"] > average)
    items = items.sort_values(["gateway", "extra_repeat"], ascending=[False, False]).reset_index(drop=True)
    return Gateways(items[GATEWAY_COLUMNS], total, average, window_days)
