"""Detector: move budget — a paid channel whose customers bring back clearly less per euro of spend (LTV:CAC) than
another's, from the acquisition room (:func:`insights.acquisition.acquisition`: spend, new customers, CAC, value per
customer, payback per channel).

The comparison. A channel's LTV:CAC is the value its new customers bring (realised, plus the stored CLV where there
is one; margin where costs are known) divided by its spend. Taking the spend as given, what it bought is a random
number of customers with random values — a compound Poisson total — so the standard error of log(LTV:CAC) is
√(Σ value²) / Σ value over the channel's new customers. The best and the worst paid channel (at least
:data:`MIN_CUSTOMERS` new customers each) are compared on the log ratio of their LTV:CAC (normal test,
Bonferroni over every pair of paid channels); an insight only when the adjusted p is at most :data:`ALPHA`. When
the two channels' own 95 % ranges overlap, the insight says so and advises moving the money in steps.

The action: move :data:`MOVE_SHARE` of the worse channel's monthly spend (its average over its last
:data:`RECENT_MONTHS` months with spend, rounded), at most :data:`MAX_GROWTH` of the better one's, to the better
one. A channel whose spend is the same every month is a fixed fee (an e-mail tool's plan: :func:`fixed_fee`), not a
budget: it is left out — on the sample shop, Email's €59 a month "costs" €2.50 per new customer, and moving Meta's
money there would buy nobody. Money at stake: a year of that, each month's
amount bringing the better channel's LTV:CAC instead of the worse one's — an estimate that assumes the better
channel keeps its return on more money (returns usually fall as a channel grows: hence the steps); its range from
the interval of the ratio of the two LTV:CACs.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from scipy import stats

from insights.acquisition import Acquisition, acquisition
from insights.core.db import query_rows, table_exists
from insights.core.intervals import Z95
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import confidence_of, period_key
from insights.feed.insight import Insight

MIN_CUSTOMERS = 20
ALPHA = 0.05
MOVE_SHARE = 0.25
RECENT_MONTHS = 3
MAX_GROWTH = 0.5                 # never move more than half the better channel's own monthly spend into it
FIXED_MONTHS = 3
FIXED_TOLERANCE = 0.01
EVIDENCE_URL = "/acquisition"


def _rounded(amount: float) -> float:
    """A budget figure an owner would write: to 10 under 1,000, to 50 under 10,000, else to 100."""
    step = 10 if amount < 1000 else 50 if amount < 10000 else 100
    return max(step, round(amount / step) * step)


def fixed_fee(monthly: pd.Series) -> bool:
    """True when a channel's spend is the same amount every month (within :data:`FIXED_TOLERANCE`, over at least
    :data:`FIXED_MONTHS` months): a subscription or retainer (an e-mail tool's plan), not a budget that buys
    customers by the euro — its cost per new customer is no price of more customers, so no money is moved to or
    from it."""
    if len(monthly) < FIXED_MONTHS:
        return False
    return float(monthly.max() - monthly.min()) <= FIXED_TOLERANCE * float(monthly.mean())


def channel_returns(result: Acquisition) -> pd.DataFrame:
    """Per paid channel with at least :data:`MIN_CUSTOMERS` new customers: channel, spend, new_customers, cac,
    ltv_cac, se_log (of LTV:CAC, compound Poisson), low, high (its 95 % range), payback_months, monthly_spend."""
    cols = ["channel", "spend", "new_customers", "cac", "ltv_cac", "se_log", "low", "high", "payback_months",
            "payback_predicted", "monthly_spend"]
    channels = result.channels
    if channels.empty or result.customers is None:
        return pd.DataFrame(columns=cols)
    paid = channels[channels["cac"].notna() & (channels["spend"] > 0) & channels["ltv_cac"].notna()
                    & (channels["new_customers"] >= MIN_CUSTOMERS)]
    rows = []
    for row in paid.itertuples(index=False):
        values = result.customers.loc[result.customers["channel"] == row.channel, "value"].astype(float).to_numpy()
        total = float(np.nansum(values))
        if total <= 0:
            continue
        se = math.sqrt(float(np.nansum(values ** 2))) / total
        months = result.by_month[(result.by_month["channel"] == row.channel) & (result.by_month["spend"] > 0)]
        if fixed_fee(months["spend"].astype(float)):
            continue
        recent = months.sort_values("month").tail(RECENT_MONTHS)["spend"].astype(float)
        rows.append([row.channel, float(row.spend), int(row.new_customers), float(row.cac), float(row.ltv_cac), se,
                     row.ltv_cac * math.exp(-Z95 * se), row.ltv_cac * math.exp(Z95 * se), row.payback_months,
                     bool(row.payback_predicted), float(recent.mean()) if len(recent) else 0.0])
    return pd.DataFrame(rows, columns=cols)


def _payback(row) -> str:
    if row.payback_months is None or pd.isna(row.payback_months):
        return "not paid back yet"
    n = int(row.payback_months)
    return f"paid back in {n} month{'s' if n != 1 else ''}" + (" (predicted)" if row.payback_predicted else "")


def has_spend(ws) -> bool:
    """True when marketing spend rows are loaded (without them there is nothing to compare)."""
    con = connection(ws)
    return table_exists(con, "spend") and bool(query_rows(con, "queries/feed/budget/spend_rows.sql")[0][0])


def move_budget(ws, as_of: dt.date) -> list[Insight]:
    """At most one insight: the paid channel to move budget from, and the one to move it to (see the module)."""
    if not has_spend(ws):
        return []
    result = acquisition(ws)
    table = channel_returns(result)
    if len(table) < 2:
        return []
    table = table.sort_values(["ltv_cac", "channel"]).reset_index(drop=True)
    worse, better = table.iloc[0], table.iloc[-1]
    log_ratio = math.log(better.ltv_cac / worse.ltv_cac)
    se = math.sqrt(worse.se_log ** 2 + better.se_log ** 2)
    pairs = len(table) * (len(table) - 1) // 2
    p_adjusted = min(1.0, 2 * float(stats.norm.sf(log_ratio / se)) * pairs)
    if p_adjusted > ALPHA or worse.monthly_spend <= 0:
        return []
    money = lambda v: format_money(v, result.currency)  # noqa: E731
    move = _rounded(min(MOVE_SHARE * worse.monthly_spend, MAX_GROWTH * better.monthly_spend))
    ratio, low_ratio, high_ratio = (math.exp(log_ratio), math.exp(log_ratio - Z95 * se),
                                    math.exp(log_ratio + Z95 * se))
    per_month = move * worse.ltv_cac * (ratio - 1)
    overlap = worse.high >= better.low
    basis = ("what they bought so far plus the value they are expected to bring next year"
             if result.value_source == "predicted" else "what they bought so far")
    margin = ("revenue, as no product costs are known" if result.margin.startswith("revenue")
              else result.margin)
    title = (f"Move about {money(move)} a month from {worse.channel} to {better.channel}: a euro spent there brings "
             f"{format_money(better.ltv_cac, result.currency, 2)} of customer value back, against "
             f"{format_money(worse.ltv_cac, result.currency, 2)} in {worse.channel}")
    why = (f"{worse.channel}: {money(worse.spend)} of spend brought {worse.new_customers:,} new customers "
           f"({money(worse.cac)} each), {_payback(worse)}. {better.channel}: {money(better.spend)} brought "
           f"{better.new_customers:,} ({money(better.cac)} each), {_payback(better)}. Value counts {basis}, in "
           f"{margin}. Per euro spent {better.channel}'s customers bring {ratio:.1f}× what {worse.channel}'s do "
           f"(likely {low_ratio:.1f}× to {high_ratio:.1f}×), a difference chance alone would rarely produce, even "
           f"comparing every pair of paid channels.")
    if overlap:
        why += (f" Each channel's own range still overlaps the other's ({worse.channel} {worse.low:.1f}–"
                f"{worse.high:.1f}×, {better.channel} {better.low:.1f}–{better.high:.1f}×): the gap is real but its "
                f"size is not sure.")
    text = (f"Move {money(move)} a month (at most {MOVE_SHARE:.0%} of {worse.channel}'s recent monthly spend and "
            f"half of {better.channel}'s) from {worse.channel} to {better.channel}, then compare their cost per new customer on the Acquisition page "
            f"after a month or two before moving more: a channel's return usually falls as it gets more money.")
    if overlap:
        text += " Their ranges overlap, so start with this step rather than a bigger one."
    month = as_of - dt.timedelta(days=1)
    return [Insight(
        kind="value_source", metric="ltv_cac", owner="marketer", evidence_url=EVIDENCE_URL,
        period=period_key("month", dt.date(month.year, month.month, 1)), title=title, why=why,
        action={"text": text, "move_from": worse.channel, "move_to": better.channel, "amount_per_month": move},
        subject={"dimension": "channel", "value": worse.channel},
        impact=round(12 * per_month, 2),
        impact_low=round(12 * move * worse.ltv_cac * max(low_ratio - 1, 0.0), 2),
        impact_high=round(12 * move * worse.ltv_cac * (high_ratio - 1), 2),
        confidence=confidence_of(p_adjusted),
        details={"from": worse.channel, "to": better.channel, "ltv_cac_from": worse.ltv_cac,
                 "ltv_cac_to": better.ltv_cac, "range_from": [worse.low, worse.high],
                 "range_to": [better.low, better.high], "ratio": ratio, "ratio_low": low_ratio,
                 "ratio_high": high_ratio, "p_adjusted": p_adjusted, "pairs": pairs, "ranges_overlap": bool(overlap),
                 "amount_per_month": move, "value_source": result.value_source, "margin": result.margin,
                 "test": "log ratio of LTV:CAC, compound-Poisson standard errors, Bonferroni over pairs of paid "
                         "channels"})]
