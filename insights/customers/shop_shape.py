"""Is this a one-time-buyer shop? The share of customers who have bought once, and the one sentence the Cohorts,
Segments and KPI pages show when most have (pointing to the second-purchase view); and why RFM segments stay
empty when every customer has the same frequency.

A one-time buyer is a customer with a single purchase day (several orders on one day are one purchase, as in the
purchase-gap table ``customer_order_days``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from insights.core.db import first_row, sql_text
from insights.core.workspace import connection

ONE_TIME_SHOP_SHARE = 0.8   # at or above this share of one-time buyers, the shop is called a one-time-buyer shop


@dataclass(frozen=True)
class ShopShape:
    customers: int
    one_time_buyers: int

    @property
    def one_time_share(self) -> float:
        return self.one_time_buyers / self.customers if self.customers else 0.0

    @property
    def one_time_shop(self) -> bool:
        return self.customers > 0 and self.one_time_share >= ONE_TIME_SHOP_SHARE


@dataclass(frozen=True)
class Applicability:
    """Whether a customer model (clusters, next-order dates) describes the shop: ``applies``, why not in words
    (``reason``), the numbers that decide, and what the page shows instead."""
    applies: bool
    reason: str | None = None
    numbers: dict = field(default_factory=dict)
    instead: str | None = None

    def as_dict(self) -> dict:
        return {"applies": self.applies, "reason": self.reason, "numbers": self.numbers, "instead": self.instead}


SECOND_PURCHASE_INSTEAD = ("the second-purchase view on the Cohorts page: how many first-time buyers come back, how "
                           "soon, and what about the first order makes it likelier")


def shape_numbers(shape: ShopShape) -> dict:
    """The numbers an applicability verdict rests on."""
    return {"customers": shape.customers, "one_time_buyers": shape.one_time_buyers,
            "repeat_buyers": shape.customers - shape.one_time_buyers,
            "one_time_share": round(shape.one_time_share, 4), "one_time_shop_from": ONE_TIME_SHOP_SHARE}


def shop_shape(ws_or_con) -> ShopShape:
    """Identified customers with an order, and those of them who bought on one day only."""
    row = first_row(connection(ws_or_con).execute(sql_text("queries/customers/shop_shape/one_time_buyers.sql")))
    customers, once = (row or (0, 0))
    return ShopShape(int(customers or 0), int(once or 0))


def one_time_buyer_sentence(shape: ShopShape) -> str | None:
    """The sentence for a one-time-buyer shop (None otherwise): what share bought once, what that means for the
    page, and where to look instead."""
    if not shape.one_time_shop:
        return None
    return (f"This is a one-time-buyer shop: {shape.one_time_share:.1%} of your {shape.customers:,} customers have "
            f"bought once, so retention, repeat-purchase and segment figures are mostly zero. The question that "
            f"matters here is how to win a second purchase: see the second-purchase view on the Cohorts page.")


def empty_segments_reason(rfm: pd.DataFrame, empty: list[str]) -> str | None:
    """Why ``empty`` RFM segments hold no customer (None when none is empty). When every customer — or nearly every
    one, :data:`ONE_TIME_SHOP_SHARE` or more — has the same number of orders, they share one frequency score, so
    the segments that need the scores in between stay empty."""
    if not empty:
        return None
    names = ", ".join(empty)
    if not rfm.empty:
        counts = rfm["frequency"].value_counts()
        orders, share = int(counts.index[0]), counts.iloc[0] / len(rfm)
        scores = sorted(int(s) for s in rfm["f_score"].unique())
        used = f"only frequency score{'s' if len(scores) > 1 else ''} {' and '.join(map(str, scores))} occur"
        plural = "s" if orders != 1 else ""
        if share == 1:
            return (f"No customer falls in {names}: every customer has the same frequency ({orders:,} order{plural} "
                    f"each), so all share one frequency score and the segments that need another one stay empty.")
        if share >= ONE_TIME_SHOP_SHARE:
            return (f"No customer falls in {names}: {share:.1%} of your customers have the same frequency "
                    f"({orders:,} order{plural}), so they share one frequency score, {used}, and the segments that "
                    f"need the others stay empty.")
    return (f"No customer falls in {names} today. Scores are fifths of your own customers; when many customers "
            f"have the same number of orders, they share one frequency score and some bands stay empty.")
