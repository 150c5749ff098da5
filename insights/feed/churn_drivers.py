"""Detector 4: why customers leave — the churn drivers the churn run measured and stored
(:mod:`insights.predictions.churn.drivers`: Mantel–Haenszel relative risks among customers with a similar purchase
history, intervals widened for every flag tested), told as an insight with the list of customers at risk for that
reason ("customers whose last order came late stop buying 1.6× as often; 518 of them hold €41,000 of expected
value").

A driver is told when it raises churn and its interval lies above 1 (``significant`` in the run's report). Its
customers are the scored customers whose stated reasons include it (``reason_keys`` of ``churn_scores``). Money at
stake: the share of their value at risk that the driver accounts for — Σ value at risk × (1 − 1/RR), the
attributable fraction among those exposed — its range from RR's interval. Confidence: RR's z read back from its
interval, Bonferroni over the flags tested. Nothing is found when the churn run is stale or absent, or churn
prediction does not apply to the shop.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from scipy import stats

from insights.core import scores
from insights.core.consent import ConsentFiltered, consent_filter
from insights.core.db import query_df
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import confidence_of, period_key
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency
from insights.predictions.churn.drivers import FLAGS

MIN_CUSTOMERS = 5
MAX_INSIGHTS = 2
ALPHA = 0.05                      # the churn run's family-wise level (its intervals are Bonferroni-wide at it)
EVIDENCE_URL = "/churn"
EXPORT_COLUMNS = ["customer_id", "name", "email", "phone", "consent_email", "orders", "net_revenue",
                  "last_order_at", "churn_probability", "expected_value", "value_at_risk", "reasons"]
# what to do, and who does it, per driver (the churn run's feature names)
ACTIONS = {
    "last_order_late": ("Find out why deliveries are late and fix it; meanwhile send these customers an apology with "
                        "a reason to order again — download the list.", "operations"),
    "had_return": ("Ask these customers what went wrong with the item they returned and make it right; check the "
                   "products returned most — download the list.", "manager"),
    "used_discount": ("Customers won with a discount leave more: give them a reason to come back at full price "
                      "(service, a new product) — download the list.", "marketer"),
    "detractor": ("Call or write to these customers personally about their low score before they are gone — "
                  "download the list.", "manager"),
    "complained": ("Answer these customers' complaints personally and fix the cause — download the list.",
                   "manager"),
    "abandoned_cart": ("Remind these customers of what they left in their cart — download the list.", "marketer"),
    "no_recent_visit": ("Bring these customers back to the site with news they care about — download the list.",
                        "marketer"),
}


def _drivers(ws) -> list[dict]:
    report = scores.report(ws, "churn")
    if not report or report.get("applies") is False:
        return []
    drivers = report.get("drivers") or []
    return [d for d in drivers if d.get("significant") and d.get("relative_risk", 0) > 1 and d.get("ci_low", 0) > 1]


def at_risk_for(ws, reason_key: str) -> pd.DataFrame:
    """The scored customers whose reasons include ``reason_key``, with their contact details, most value at risk
    first (columns :data:`EXPORT_COLUMNS`); empty when the churn scores are stale or absent."""
    stored = scores.current(ws, "churn")
    if stored is None or stored.empty or "reason_keys" not in stored:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    keys = stored["reason_keys"].fillna("").astype(str).str.split(";")
    chosen = stored[keys.map(lambda ks: reason_key in ks)].copy()
    chosen["customer_id"] = chosen["customer_id"].astype(str)
    contacts = query_df(connection(ws), "queries/feed/churn_drivers/contacts.sql")
    out = chosen.merge(contacts, on="customer_id", how="left")
    for col in EXPORT_COLUMNS:
        if col not in out:
            out[col] = None
    out = out.sort_values(["value_at_risk", "customer_id"], ascending=[False, True])
    return out[EXPORT_COLUMNS].reset_index(drop=True)


def driver_contacts(ws, reason_key: str) -> ConsentFiltered:
    """A churn-driver insight's list (its ``details["reason_key"]``) as it may be downloaded: :func:`at_risk_for`
    through the one consent rule (:func:`insights.core.consent.consent_filter`)."""
    return consent_filter(ws, at_risk_for(ws, reason_key))


def _p_adjusted(driver: dict, tested: int) -> float:
    z_wide = float(stats.norm.ppf(1 - ALPHA / (2 * max(tested, 1))))
    try:
        se = (math.log(driver["ci_high"]) - math.log(driver["ci_low"])) / (2 * z_wide)
        z = abs(math.log(driver["relative_risk"])) / se
    except (ValueError, ZeroDivisionError, KeyError, TypeError):
        return 1.0
    return min(1.0, 2 * float(stats.norm.sf(z)) * max(tested, 1))


def churn_drivers(ws, as_of: dt.date) -> list[Insight]:
    """At most :data:`MAX_INSIGHTS` insights: the stored churn drivers that clearly raise churn, each with the
    customers at risk for it (see the module)."""
    found = _drivers(ws)
    if not found:
        return []
    report = scores.report(ws, "churn") or {}
    tested = len(report.get("drivers") or [])
    currency = workspace_currency(connection(ws))
    money = lambda v: format_money(v, currency)  # noqa: E731
    month = as_of - dt.timedelta(days=1)
    period = period_key("month", dt.date(month.year, month.month, 1))
    out = []
    for driver in found:
        if len(out) >= MAX_INSIGHTS:
            break
        people = at_risk_for(ws, driver.get("reason_key", ""))
        if len(people) < MIN_CUSTOMERS:
            continue
        rr, low_rr, high_rr = driver["relative_risk"], driver["ci_low"], driver["ci_high"]
        at_risk = float(people["value_at_risk"].astype(float).sum())
        expected = float(people["expected_value"].astype(float).sum())
        text, owner = ACTIONS.get(driver["feature"], ("Act on this reason with these customers — download the "
                                                      "list.", "manager"))
        who = FLAGS[driver["feature"]][2] if driver["feature"] in FLAGS else driver["label"].lower()
        times = f"{rr:.1f}×" if rr >= 1.1 else f"{rr:.2f}×"
        title = (f"{who[0].upper()}{who[1:]} stop buying {times} as often: {len(people):,} of them now hold "
                 f"{money(expected)} of expected value")
        why = (f"Among customers with a similar buying history, {driver['churn_rate_with']:.0%} of "
               f"{who} stopped buying, against {driver['churn_rate_without']:.0%} of the others — "
               f"{rr:.2f}× as often (likely {low_rr:.2f}× to {high_rr:.2f}×, allowing for every reason tested). "
               f"{len(people):,} customers are at risk today with this among their reasons; "
               f"{money(at_risk)} of their value is at risk, about {1 - 1 / rr:.0%} of it because of this reason.")
        out.append(Insight(
            kind="churn_driver", title=title, why=why, action={"text": text, "export": "churn_driver"}, owner=owner,
            period=period, metric="churn", subject={"dimension": "driver", "value": driver["label"]},
            impact=round(at_risk * (1 - 1 / rr), 2), impact_low=round(at_risk * (1 - 1 / low_rr), 2),
            impact_high=round(at_risk * (1 - 1 / high_rr), 2), confidence=confidence_of(_p_adjusted(driver, tested)),
            evidence_url=EVIDENCE_URL,
            details={"feature": driver["feature"], "reason_key": driver.get("reason_key"), "relative_risk": rr,
                     "ci_low": low_rr, "ci_high": high_rr, "customers": int(len(people)),
                     "value_at_risk": at_risk, "expected_value": expected, "flagged": driver.get("customers"),
                     "churn_rate_with": driver["churn_rate_with"], "churn_rate_without": driver["churn_rate_without"],
                     "p_adjusted": _p_adjusted(driver, tested), "flags_tested": tested,
                     "test": "Mantel–Haenszel relative risk over ten purchase-timing strata, Greenland–Robins "
                             "variance, Bonferroni over the flags tested"}))
    return out
