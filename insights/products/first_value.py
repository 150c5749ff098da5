"""What a customer spends in the year after a first order that held a product (or category), against the shop's
average: "customers whose first order held the starter kit spent 1.7× as much in the year after it".

Only identified customers whose first order is at least ``days`` before the end of the history count (the first
order's day as :func:`insights.products.gateways.first_orders` finds it). A customer's value: their net spend on
purchase days after the first order's day, up to ``days`` after it (the purchase-day table
``customer_order_days``). The first order itself is left out: a first order holding one more product is worth that
product more, which would make every product look like it brings value. Per item: customers, mean value with its 95% interval (normal approximation: spend is
skewed, so items bought first by fewer than ``SMALL_COHORT`` customers are marked small and not tested), ratio to
the average, ``extra_value`` = customers × (mean − average), and Welch's t-test against the customers without it,
Holm-adjusted across items; ``better`` when that survives at ``alpha`` and the interval's low end is above the
average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from insights.core.db import query_df
from insights.core.intervals import holm_where_tested
from insights.core.workspace import connection
from insights.products.gateways import SMALL_COHORT, first_orders
from insights.products.lines import FAR_FUTURE, item_column, item_names

VALUE_DAYS = 365
VALUE_COLUMNS = ["product", "name", "customers", "value", "ci_low", "ci_high", "vs_average", "extra_value",
                 "p_value", "small", "better"]


@dataclass(frozen=True)
class FirstValue:
    """``items``: one row per first-order item (VALUE_COLUMNS), the most extra value first; ``customers``:
    customers counted; ``average``: their mean value over ``days``."""
    items: pd.DataFrame
    customers: int
    average: float
    days: int

    @property
    def found(self) -> pd.DataFrame:
        return self.items.loc[self.items["better"].astype(bool)]


def purchase_days(ws_or_con, as_of=None) -> pd.DataFrame:
    """customer_id, order_date, spend: every identified customer's purchase days before ``as_of``."""
    cutoff = FAR_FUTURE if as_of is None else pd.Timestamp(as_of).to_pydatetime()
    days = query_df(connection(ws_or_con), "queries/products/customers/purchase_days.sql", {"as_of": cutoff})
    return days.assign(customer_id=days["customer_id"].astype(str), order_date=pd.to_datetime(days["order_date"]))


def customer_values(first: pd.DataFrame, days: pd.DataFrame, horizon: int) -> pd.Series:
    """Each counted customer's net spend after their first order's day, up to ``horizon`` days after it."""
    starts = first.drop_duplicates("customer_id").assign(customer_id=lambda f: f["customer_id"].astype(str))
    starts = starts.set_index("customer_id")["day"]
    spent = days[days["customer_id"].isin(starts.index)]
    start = starts.reindex(spent["customer_id"]).to_numpy()
    inside = (spent["order_date"].to_numpy() > start) & \
        (spent["order_date"].to_numpy() < start + np.timedelta64(horizon, "D"))
    value = spent[inside].groupby("customer_id")["spend"].sum()
    return value.reindex(starts.index, fill_value=0.0).astype(float)


def first_year_value(lines: pd.DataFrame, days: pd.DataFrame, end: pd.Timestamp, level: str = "product",
                     horizon: int = VALUE_DAYS, alpha: float = 0.05) -> FirstValue:
    """First-order items ranked by the extra value their customers bring in a year (see the module docstring)."""
    code, _ = item_column(level)
    first = first_orders(lines, end, horizon).dropna(subset=[code])
    if first.empty:
        return FirstValue(pd.DataFrame(columns=VALUE_COLUMNS), 0, 0.0, horizon)
    value = customer_values(first, days, horizon)
    average = float(value.mean())
    names = item_names(lines, level)
    held = first.drop_duplicates(["customer_id", code]).assign(customer_id=lambda f: f["customer_id"].astype(str))
    rows = []
    for item, group in held.groupby(code):
        mine = value.reindex(group["customer_id"]).to_numpy()
        others = value[~value.index.isin(group["customer_id"])].to_numpy()
        n, mean = len(mine), float(mine.mean())
        half = 1.96 * float(mine.std(ddof=1)) / np.sqrt(n) if n > 1 else np.nan
        small = n < SMALL_COHORT
        p = (float(stats.ttest_ind(mine, others, equal_var=False).pvalue)
             if not small and len(others) > 1 else np.nan)
        rows.append((str(item), names.get(str(item), ""), n, mean, mean - half, mean + half,
                     mean / average if average else np.nan, n * (mean - average), p, small))
    items = pd.DataFrame(rows, columns=VALUE_COLUMNS[:-1])
    adjusted = holm_where_tested(items["p_value"])
    tested = items["p_value"].notna()
    items["better"] = tested & (adjusted <= alpha) & (items["ci_low"] > average)
    items = items.sort_values(["better", "extra_value", "product"], ascending=[False, False, True])
    return FirstValue(items.reset_index(drop=True)[VALUE_COLUMNS], len(value), average, horizon)
