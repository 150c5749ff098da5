"""The second-purchase view in the owner's words: the post-purchase window, and what a first-order attribute that
changes the chance of a second order means ("first orders delivered late come back 40% less often")."""

from __future__ import annotations

from insights.second_purchase.view import SecondPurchaseView

# how each dimension's group is named in a sentence about customers
GROUP_PHRASES = {
    "first_month": "Customers who first bought in {value}",
    "channel": "Customers who first bought through {value}",
    "country": "Customers from {value}",
    "first_category": "Customers whose first order held {value}",
    "first_product": "Customers whose first order held {value}",
    "value_band": "Customers whose first order was worth {value}",
    "delivery": "Customers whose first order arrived {value}",
    "review_score": "Customers who rated their first order {value}",
}


def window_sentence(view: SecondPurchaseView) -> str | None:
    """"Half of second orders come within 41 days: send the follow-up before then." (None: no second orders)."""
    days = view.median_days_to_second
    if days is None:
        return None
    return f"Half of second orders come within {days} days: send the follow-up before then."


def group_name(dimension: str, value: str) -> str:
    return GROUP_PHRASES[dimension].format(value=value)


def how_often(rate: float, others: float) -> str:
    """"twice as often", "1.6 times as often", "40% less often" (the group's rate against the others')."""
    if not others:
        return "more often"
    ratio = rate / others
    if ratio >= 1.95 and ratio < 2.05:
        return "twice as often"
    if ratio > 1:
        return f"{ratio:.1f} times as often"
    return f"{1 - ratio:.0%} less often"


def driver_sentence(row) -> str:
    """One group of :attr:`SecondPurchaseView.drivers` in words, with the figures behind it."""
    return (f"{group_name(row.dimension, row.value)} come back {how_often(row.rate_90d, row.rate_others)} "
            f"({row.rate_90d:.1%} vs {row.rate_others:.1%} of the other customers within 90 days; likely between "
            f"{row.ci_low:.1%} and {row.ci_high:.1%}).")
