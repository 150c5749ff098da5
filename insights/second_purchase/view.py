"""The second-purchase view, assembled: of first-time buyers, the share who buy again within 30–365 days (with
intervals and the number too recent to know), the 90-day rate by what the first order was like, how soon second
orders come, and the post-purchase window that follows from it.

``second_purchase_view(ws)`` is what the Cohorts page's tab, the command line (``second-purchase``) and the
insight feed read; :meth:`SecondPurchaseView.to_json` is the command line's contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insights.products.gateways import Gateways, gateways
from insights.products.lines import history_end, item_column, kept_lines
from insights.second_purchase.buyers import before_the_data, first_time_buyers
from insights.second_purchase.groups import DIMENSIONS, by_dimension
from insights.second_purchase.rates import HEADLINE_DAYS, days_to_second_orders, median_days, return_rates

RATE_KEYS = ["days", "rate", "ci_low", "ci_high", "customers"]
BY_KEYS = ["dimension", "value", "customers", "rate_90d", "ci_low", "ci_high"]


@dataclass(frozen=True)
class SecondPurchaseView:
    """``buyers``: one row per first-time buyer (:data:`insights.second_purchase.buyers.BUYER_COLUMNS`);
    ``rates``: one row per window; ``by``: one row per group (:data:`insights.second_purchase.groups.BY_COLUMNS`);
    ``days_to_second``: the days before the second orders the window is read from (``timing_basis`` says which);
    ``before_data``: customers left out because their first order falls in the history's first month (they may have
    bought before the data begins)."""
    end: pd.Timestamp
    buyers: pd.DataFrame
    rates: pd.DataFrame
    by: pd.DataFrame
    days_to_second: pd.Series
    timing_basis: str
    before_data: int = 0

    @property
    def first_time_buyers(self) -> int:
        return int(len(self.buyers))

    @property
    def too_recent(self) -> int:
        """First-time buyers whose first order is less than 90 days old: whether they come back is not known yet."""
        return int(self.rates.loc[self.rates["days"] == HEADLINE_DAYS, "too_recent"].iloc[0])

    @property
    def median_days_to_second(self) -> int | None:
        return median_days(self.days_to_second)

    @property
    def headline(self) -> pd.Series:
        """The 90-day row of :attr:`rates`."""
        return self.rates[self.rates["days"] == HEADLINE_DAYS].iloc[0]

    @property
    def drivers(self) -> pd.DataFrame:
        """Groups whose 90-day rate differs from the other buyers' after Holm's adjustment, biggest gap first (on
        a tie, as with the two sides of late vs on time, the smaller group: the one that stands out)."""
        found = self.by[self.by["different"]]
        gap = (found["rate_90d"] - found["rate_others"]).abs().round(12)
        return (found.assign(gap=gap).sort_values(["gap", "customers"], ascending=[False, True])
                .drop(columns="gap"))

    def dimensions(self) -> list[str]:
        """The dimensions the data has (in :data:`DIMENSIONS` order)."""
        present = set(self.by["dimension"])
        return [d for d in DIMENSIONS if d in present]

    def to_json(self, dimension: str | None = None) -> dict:
        """The command line's shape: ``first_time_buyers``, ``too_recent``, ``rates`` [{days, rate, ci_low,
        ci_high, customers}], ``median_days_to_second``, ``by`` [{dimension, value, customers, rate_90d, ci_low,
        ci_high}] (one dimension when given)."""
        by = self.by if dimension is None else self.by[self.by["dimension"] == dimension]
        return {"first_time_buyers": self.first_time_buyers, "too_recent": self.too_recent,
                "rates": _records(self.rates[RATE_KEYS]),
                "median_days_to_second": self.median_days_to_second,
                "by": _records(by[BY_KEYS])}


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict(orient="records")


def _gateway_level(lines: pd.DataFrame, end: pd.Timestamp, level: str, start: pd.Timestamp) -> Gateways | None:
    code, _ = item_column(level)
    if lines.empty or lines[code].isna().all():
        return None
    return gateways(lines, end, level=level, window_days=HEADLINE_DAYS, start=start)


def second_purchase_view(ws, as_of=None) -> SecondPurchaseView | None:
    """The view over the orders before ``as_of`` (default: all of them), without the customers whose first order
    falls in the history's first month; None without identified customers after it."""
    end = history_end(ws, as_of)
    everyone = first_time_buyers(ws, as_of)
    early = before_the_data(everyone)
    buyers = everyone[~early].reset_index(drop=True)
    if end is None or buyers.empty:
        return None
    lines = kept_lines(ws, as_of)
    lines = lines[lines["customer_id"].isin(buyers["customer_id"])]    # the gateways count the same customers
    start = everyone["first_order_date"].min()                          # the data's first month, as for the buyers
    by = by_dimension(buyers, end, categories=_gateway_level(lines, end, "category", start),
                      products=_gateway_level(lines, end, "product", start))
    days, basis = days_to_second_orders(buyers, end)
    return SecondPurchaseView(end, buyers, return_rates(buyers, end), by, days, basis, int(early.sum()))
