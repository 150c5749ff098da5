"""What about the first order goes with a second one: the 90-day rate by first-order month, channel, country, first
category, first product, first order value band, delivery (late or on time) and the review the first order got.

Each group is compared with the other buyers of its dimension (Fisher's exact test: second orders are rare in the
shops this view is for, where a normal approximation calls chance a difference); groups of fewer than
:data:`SMALL_GROUP` buyers are shown but not tested. A group is called *different* only when its p-value survives
Holm's adjustment across every group tested in the view, all dimensions together, so looking at many groups does
not find differences by chance. First category and first product are the products room's gateway items
(:func:`insights.products.gateways.gateways`: its counts and intervals, tested here like every other group): a
customer whose first order held several counts in each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from insights.core.intervals import fisher_p, holm_where_tested, wilson
from insights.products.gateways import SMALL_COHORT, Gateways
from insights.second_purchase.buyers import came_back, eligible
from insights.second_purchase.rates import HEADLINE_DAYS

SMALL_GROUP = SMALL_COHORT
ALPHA = 0.05
VALUE_BANDS = 4
# dimension → how the page names it
DIMENSIONS = {
    "first_month": "Month of the first order",
    "channel": "Channel",
    "country": "Country",
    "first_category": "First category",
    "first_product": "First product",
    "value_band": "First order value",
    "delivery": "Delivery of the first order",
    "review_score": "Review of the first order",
}
BY_COLUMNS = ["dimension", "value", "customers", "returned", "rate_90d", "ci_low", "ci_high", "rate_others",
              "p_value", "p_adjusted", "small", "different"]


def value_bands(values: pd.Series, bands: int = VALUE_BANDS) -> pd.Series:
    """Quartile bands of the first order's value, labelled by their range ("48–89"), in order (categorical);
    missing where unknown."""
    known = values.dropna()
    if known.nunique() < 2:
        return pd.Series(pd.Categorical([None] * len(values)), index=values.index)
    cut = pd.qcut(known, bands, duplicates="drop")
    # qcut's first edge sits a hair below the smallest value: label bands by the values they hold
    labels = [f"{max(interval.left, known.min()):,.0f}–{interval.right:,.0f}" for interval in cut.cat.categories]
    return cut.cat.rename_categories(labels).reindex(values.index)


def buyer_dimensions(buyers: pd.DataFrame) -> pd.DataFrame:
    """One column per buyer-level dimension (text, value bands in order; missing where the data does not say)."""
    late = buyers["late"].map({True: "late", False: "on time"})
    review = buyers["review_score"].round().map(lambda s: f"{int(s)} of 5", na_action="ignore")
    return pd.DataFrame({
        "first_month": buyers["first_order_date"].dt.strftime("%Y-%m").astype(object),
        "channel": buyers["channel"].astype(object), "country": buyers["country"].astype(object),
        "value_band": value_bands(buyers["first_order_value"]),
        "delivery": late.astype(object), "review_score": review.astype(object),
    }, index=buyers.index)


def _compare(dimension: str, values: pd.Series, returned: pd.Series) -> list[tuple]:
    """Rows for one buyer-level dimension: each value against the other buyers with a known value."""
    known = values.notna()
    if values[known].nunique() < 2:
        return []
    counts = (pd.DataFrame({"value": values[known], "returned": returned[known]})
              .groupby("value", observed=True, sort=True)["returned"])
    table = counts.agg(customers="size", returned="sum")
    total, total_returned = int(table["customers"].sum()), int(table["returned"].sum())
    rows = []
    for value, n, x in table.itertuples():
        rest_n, rest_x = total - int(n), total_returned - int(x)
        low, high = wilson(int(x), int(n))
        small = n < SMALL_GROUP or rest_n < SMALL_GROUP
        p = np.nan if small else fisher_p(int(x), int(n), rest_x, rest_n)
        rows.append((dimension, str(value), int(n), int(x), x / n, low, high, rest_x / rest_n if rest_n else np.nan,
                     p, small))
    return rows


def _gateway_rows(dimension: str, found: Gateways | None) -> list[tuple]:
    """Rows for first category or first product from the products room's gateway items; items first bought by
    fewer than :data:`SMALL_GROUP` customers are left out (too few to say anything; a shop has thousands)."""
    if found is None or found.items.empty:
        return []
    rows = []
    total, total_returned = found.customers, found.average * found.customers
    for item in found.items[~found.items["small"]].itertuples(index=False):
        rest_n, rest_x = total - item.customers, int(round(total_returned)) - item.repeat_customers
        small = rest_n < SMALL_GROUP
        p = np.nan if small else fisher_p(int(item.repeat_customers), int(item.customers), rest_x, rest_n)
        value = item.name if dimension == "first_product" and item.name else item.product
        rows.append((dimension, str(value), int(item.customers), int(item.repeat_customers), item.repeat_rate,
                     item.ci_low, item.ci_high, rest_x / rest_n if rest_n else np.nan, p, small))
    return rows


def by_dimension(buyers: pd.DataFrame, end: pd.Timestamp, categories: Gateways | None = None,
                 products: Gateways | None = None, alpha: float = ALPHA) -> pd.DataFrame:
    """The 90-day rate per group of every dimension the data has (:data:`BY_COLUMNS`), in :data:`DIMENSIONS`
    order and, within one, by value (gateway items: most extra returning customers first).
    ``categories``/``products``: the gateway items at those levels over the same 90-day window (None: none)."""
    known = eligible(buyers, end, HEADLINE_DAYS)
    base = buyers[known]
    returned = came_back(base, HEADLINE_DAYS)
    dims = buyer_dimensions(base)
    rows = []
    for dimension in DIMENSIONS:
        if dimension == "first_category":
            rows += _gateway_rows(dimension, categories)
        elif dimension == "first_product":
            rows += _gateway_rows(dimension, products)
        else:
            rows += _compare(dimension, dims[dimension], returned)
    table = pd.DataFrame(rows, columns=[c for c in BY_COLUMNS if c not in ("p_adjusted", "different")])
    table["p_adjusted"] = holm_where_tested(table["p_value"])
    table["different"] = table["p_value"].notna() & (table["p_adjusted"] <= alpha)
    return table[BY_COLUMNS].reset_index(drop=True)
