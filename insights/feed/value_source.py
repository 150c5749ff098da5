"""Detector 3: where the value comes from — an acquisition channel, a first order's channel or category, or a country
whose customers are worth clearly more (or less) than the rest, from the CLV run's stored table
(:func:`insights.predictions.clv.stored_value_by_group`: mean predicted value per group against the rest, with
intervals of the ratio widened for every comparison together — Bonferroni).

A group is told only when its ratio's interval excludes 1 (``different`` in that table). Cohorts stay out: a young
cohort has more of its life ahead, which is not a difference anyone can act on. Confidence: the ratio's z read back
from its interval, Bonferroni-adjusted over the table's comparisons (:func:`insights.feed.anomalies.confidence_of`
on the adjusted p). At most one insight per dimension and :data:`MAX_INSIGHTS` in all, the biggest gap first.

Money at stake: what the group's customers are expected to bring over the CLV horizon beyond (or short of) as many
of the shop's other customers — |mean − the rest's mean| × customers — its range from the ratio's interval.
Nothing is found when the CLV run is stale or absent, or the model does not describe the shop.
"""

from __future__ import annotations

import datetime as dt
import math

from scipy import stats

from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import confidence_of, period_key
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency
from insights.predictions.clv import stored_value_by_group
from insights.predictions.clv.groups import HEADLINE_DIMENSIONS, LEVEL

MAX_INSIGHTS = 3
EVIDENCE_URL = "/clv"
WHO = {"channel": "Customers acquired via {}", "first_channel": "Customers whose first order came via {}",
       "first_category": "Customers whose first order was in {}", "country": "Customers in {}"}
OWNER = {"channel": "marketer", "first_channel": "marketer", "first_category": "marketer", "country": "manager"}
ACTION_MORE = {
    "channel": "Put more of your budget and effort for new customers into {v}: each customer it brings is worth "
               "{r:.1f}× the others. Check on the Acquisition page what {v} costs per new customer first.",
    "first_channel": "Bring more first orders through {v}: customers who start there are worth {r:.1f}× the others.",
    "first_category": "Lead new customers to {v}: feature it in first-order offers and ads — customers who start "
                      "there are worth {r:.1f}× the others.",
    "country": "Grow {v}: its customers are worth {r:.1f}× the others — consider more of the budget for new "
               "customers there.",
}
ACTION_LESS = {
    "channel": "Check what {v} costs per new customer (the Acquisition page): its customers are worth {p:.0%} less; "
               "pay less for them or move budget to channels whose customers are worth more.",
    "first_channel": "Follow up first orders placed via {v} with a reason to come back: these customers are worth "
                     "{p:.0%} less.",
    "first_category": "Follow up first orders in {v} with your best sellers from other categories: these customers "
                      "are worth {p:.0%} less.",
    "country": "Look at what customers in {v} get (delivery times and costs, payment, language): they are worth "
               "{p:.0%} less.",
}


def _p_adjusted(row, comparisons: int) -> float:
    """The Bonferroni-adjusted two-sided p of the ratio, read back from its interval (the table's intervals are
    Bonferroni-wide at :data:`LEVEL` jointly over ``comparisons``)."""
    z_wide = float(stats.norm.ppf(1 - (1 - LEVEL) / (2 * comparisons)))
    try:
        se = (math.log(row.ratio_high) - math.log(row.ratio_low)) / (2 * z_wide)
        z = abs(math.log(row.ratio_to_rest)) / se
    except (ValueError, ZeroDivisionError, TypeError):
        return 1.0
    return min(1.0, 2 * float(stats.norm.sf(z)) * comparisons)


def value_sources(ws, as_of: dt.date) -> list[Insight]:
    """The groups worth clearly more or less than the rest (see the module), as of ``as_of`` (the stored CLV run
    is the one for the workspace's current data; ``as_of`` only dates the insight)."""
    table, _ = stored_value_by_group(ws)
    if table is None or table.empty:
        return []
    comparisons = len(table)
    found = table[table["different"].astype(bool) & table["dimension"].isin(HEADLINE_DIMENSIONS)].copy()
    if found.empty:
        return []
    found["gap"] = found["ratio_to_rest"].map(lambda r: abs(math.log(r)))
    found = found.sort_values(["gap", "dimension", "value"], ascending=[False, True, True])
    found = found.drop_duplicates("dimension").head(MAX_INSIGHTS)
    currency = workspace_currency(connection(ws))
    month = as_of - dt.timedelta(days=1)
    return [_insight(row, comparisons, currency, period_key("month", dt.date(month.year, month.month, 1)))
            for row in found.itertuples(index=False)]


def _insight(row, comparisons: int, currency, period: str) -> Insight:
    more = row.ratio_to_rest > 1
    money = lambda v: format_money(v, currency)  # noqa: E731
    who = WHO[row.dimension].format(row.value)
    n, rest = int(row.customers), float(row.mean_rest)
    if more:
        how = f"{row.ratio_to_rest:.1f}× the rest"
        near, far = row.ratio_low - 1, row.ratio_high - 1
        action = ACTION_MORE[row.dimension].format(v=row.value, r=row.ratio_to_rest)
    else:
        how = f"{1 - row.ratio_to_rest:.0%} less than the rest"
        near, far = 1 - row.ratio_high, 1 - row.ratio_low
        action = ACTION_LESS[row.dimension].format(v=row.value, p=1 - row.ratio_to_rest)
    impact = abs(float(row.mean_clv) - rest) * n
    low, high = max(0.0, near) * rest * n, max(0.0, far) * rest * n
    p_adj = _p_adjusted(row, comparisons)
    title = f"{who} are worth {how} ({money(row.mean_clv)} each against {money(rest)})"
    why = (f"The value each customer is expected to bring (the customer value predictions) averages "
           f"{money(row.mean_clv)} for the {n:,} {who[0].lower() + who[1:]}, against {money(rest)} for the others: "
           f"likely between {row.ratio_low:.2f}× and {row.ratio_high:.2f}× as much, a range that leaves out "
           f"“the same”, even allowing for every group compared. What they bought so far: "
           f"{money(row.realised_value)} each. Together they are expected to bring about {money(impact)} "
           f"{'more' if more else 'less'} than as many of your other customers.")
    return Insight(kind="value_source", title=title, why=why, action={"text": action},
                   owner=OWNER.get(row.dimension, "marketer"), period=period, metric="clv",
                   subject={"dimension": row.dimension, "value": str(row.value)},
                   impact=round(impact, 2), impact_low=round(min(low, impact), 2),
                   impact_high=round(max(high, impact), 2), confidence=confidence_of(p_adj),
                   evidence_url=EVIDENCE_URL,
                   details={"customers": n, "mean_clv": float(row.mean_clv), "mean_rest": rest,
                            "ratio_to_rest": float(row.ratio_to_rest), "ratio_low": float(row.ratio_low),
                            "ratio_high": float(row.ratio_high), "realised_value": float(row.realised_value),
                            "p_adjusted": p_adj, "comparisons": comparisons,
                            "test": "ratio of mean predicted CLV to the rest's, delta-method interval on the log "
                                    "ratio, Bonferroni over every group compared"})

