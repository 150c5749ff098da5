"""Detector: a first-order attribute that clearly changes the chance of a second order ("customers whose first
order arrived late come back 40% less often"), from the second-purchase view's groups that differ from the other
buyers after Holm's adjustment (:mod:`insights.second_purchase.groups`).

At most one insight per dimension and :data:`MAX_INSIGHTS` in all, the biggest gap first. The month of the first
order is not an attribute of the order anyone can change (early cohorts of a growing shop come back more often as
a matter of course): it stays on the view and out of the feed. Money at stake: the
second orders the gap is worth over the group's customers measured (customers × the gap in the 90-day rate × the
median first-order value), its range from the group rate's 95% interval.
"""

from __future__ import annotations

import datetime as dt

from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import period_key
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency
from insights.second_purchase.rates import HEADLINE_DAYS
from insights.second_purchase.view import SecondPurchaseView, second_purchase_view
from insights.second_purchase.words import driver_sentence, group_name, how_often

MAX_INSIGHTS = 3
NOT_IN_FEED = ("first_month",)
EVIDENCE_URL = "/cohorts?view=second-purchase"


def _confidence(p_adjusted: float) -> str:
    return "high" if p_adjusted <= 0.001 else "medium" if p_adjusted <= 0.01 else "low"


def _action(row, window: int | None) -> tuple[str, str]:
    """(what to do, who does it) for a group that comes back more or less often than the others."""
    follow = f" within {window} days of the first order" if window else ""
    if row.dimension == "delivery" and row.value == "late":
        return ("Find what makes first deliveries late; meanwhile send late first-time buyers an apology with a "
                f"reason to order again{follow}.", "operations")
    if row.dimension == "review_score" and row.rate_90d < row.rate_others:
        return ("Answer first-time buyers who rate their first order this low, personally and quickly, before "
                "they are gone.", "manager")
    if row.rate_90d > row.rate_others and row.dimension in ("first_category", "first_product"):
        return (f"Lead new customers to what brings them back: feature {row.value} in first-order offers and "
                f"ads.", "marketer")
    if row.rate_90d > row.rate_others and row.dimension == "channel":
        return f"Put more of the budget for new customers into {row.value}: they come back.", "marketer"
    if row.rate_90d > row.rate_others:
        return ("Find out what sets these customers apart and aim the campaigns for new customers at more like "
                "them.", "marketer")
    return (f"Give these first-time buyers a reason to come back: a follow-up offer{follow}; download the list.",
            "marketer")


def _insight(view: SecondPurchaseView, row, order_value: float, currency, period: str) -> Insight:
    worse = row.rate_90d < row.rate_others
    gap = abs(row.rate_90d - row.rate_others)
    near, far = ((row.rate_others - row.ci_high, row.rate_others - row.ci_low) if worse
                 else (row.ci_low - row.rate_others, row.ci_high - row.rate_others))
    worth = row.customers * order_value
    text, owner = _action(row, view.median_days_to_second)
    action = {"text": text}
    if worse:
        action["export"] = "second_purchase"
    why = (f"{driver_sentence(row)} Over these {row.customers:,} customers that is about "
           f"{row.customers * gap:,.0f} second orders {'missed' if worse else 'gained'}, worth about "
           f"{format_money(worth * gap, currency)} at a typical first order of {format_money(order_value, currency)}. "
           f"It held up after checking every group of every first-order attribute, so it is unlikely to be chance.")
    return Insight(kind="second_purchase",
                   title=f"{group_name(row.dimension, row.value)} come back {how_often(row.rate_90d, row.rate_others)}",
                   why=why, action=action, owner=owner, period=period, metric=f"second_purchase_{HEADLINE_DAYS}d",
                   subject={"dimension": row.dimension, "value": row.value},
                   impact=round(worth * gap, 2), impact_low=round(worth * max(near, 0.0), 2),
                   impact_high=round(worth * max(far, 0.0), 2), confidence=_confidence(row.p_adjusted),
                   evidence_url=EVIDENCE_URL,
                   details={"customers": int(row.customers), "returned": int(row.returned),
                            "rate_90d": float(row.rate_90d), "rate_others": float(row.rate_others),
                            "ci_low": float(row.ci_low), "ci_high": float(row.ci_high),
                            "p_value": float(row.p_value), "p_adjusted_holm": float(row.p_adjusted)})


def second_purchase_drivers(ws, as_of: dt.date, view: SecondPurchaseView | None = None) -> list[Insight]:
    """The first-order attributes that clearly change the chance of a second order as of ``as_of``."""
    view = view if view is not None else second_purchase_view(ws, as_of)
    if view is None or view.drivers.empty:
        return []
    order_value = float(view.buyers["first_order_value"].median())
    currency = workspace_currency(connection(ws))
    period = period_key("month", (as_of - dt.timedelta(days=1)).replace(day=1))
    drivers = view.drivers[~view.drivers["dimension"].isin(NOT_IN_FEED)]
    drivers = drivers.drop_duplicates("dimension").head(MAX_INSIGHTS)
    return [_insight(view, row, order_value, currency, period) for row in drivers.itertuples(index=False)]
