"""Detector 5: what customers say, joined to what they are worth — detractors who stop buying, and the topics
behind low scores (the voice room: :mod:`insights.voice`).

Two kinds of finding, each only past its bar:

* **Detractors lapse more.** Customers whose latest NPS answer was 0–6 against those who answered 9–10: the
  share who have since lapsed (the voice room's rule: no order for longer than 9 in 10 of the shop's repeat
  gaps; answers at least 30 days old), a two-proportion z-test. Shown when the difference is at least
  :data:`MIN_LAPSE_GAP` and p ≤ :data:`ALPHA`, with at least :data:`MIN_GROUP` customers on each side.
* **A topic behind low scores.** The comment themes (TF-IDF + NMF, :func:`insights.voice.comments.themes`): a
  theme whose NPS answers are detractors clearly more often than the other answers' — two-proportion z-test,
  Holm over every theme tested (at least :data:`MIN_TOPIC` NPS answers each), adjusted p ≤ :data:`ALPHA` and a
  gap of at least :data:`MIN_DETRACTOR_GAP`.

Money at stake: the last 12 months' revenue of the detractors concerned × how much more often detractors lapse
than promoters (the value at risk — × the share of detractors who lapse — is told in the why); the interval
from the Wilson interval of the detractors' lapse rate. Topics sharing a keyword word are one story (one insight). Answers submitted on or
after ``as_of`` are left out; lapses are counted to the end of the data.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.db import query_df
from insights.core.intervals import holm, two_proportion_p, wilson
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.feed.anomalies import confidence_of, period_key
from insights.feed.insight import Insight
from insights.performance.kpis import workspace_currency
from insights.voice.comments import languages, themes
from insights.voice.responses import responses
from insights.voice.scores import nps_group
from insights.voice.value import MIN_DAYS_AFTER_ANSWER

ALPHA = 0.01
MIN_GROUP = 30
MIN_TOPIC = 30
MIN_LAPSE_GAP = 0.05
MIN_DETRACTOR_GAP = 0.15
MAX_TOPICS = 2


def _lapse_rates(ws, as_of: dt.date) -> dict | None:
    """Lapse counts of detractors and promoters, their revenue of the last 12 months, the p-value; None when
    either group is too small."""
    outcomes = query_df(connection(ws), "queries/voice/feedback/customer_outcomes.sql")
    if outcomes.empty:
        return None
    outcomes = outcomes[pd.to_datetime(outcomes["answered_at"]) < pd.Timestamp(as_of)]
    outcomes = outcomes.assign(group=outcomes["score"].map(nps_group))
    old = outcomes[outcomes["days_since_answer"] >= MIN_DAYS_AFTER_ANSWER]
    det, pro = old[old["group"] == "detractor"], old[old["group"] == "promoter"]
    if len(det) < MIN_GROUP or len(pro) < MIN_GROUP:
        return None
    x1, n1, x2, n2 = int(det["lapsed"].sum()), len(det), int(pro["lapsed"].sum()), len(pro)
    revenue = outcomes["net_revenue"].astype(float)
    total = float(revenue.sum())
    return {"detractors": n1, "detractors_lapsed": x1, "promoters": n2, "promoters_lapsed": x2,
            "detractor_rate": x1 / n1, "promoter_rate": x2 / n2, "detractor_rate_interval": wilson(x1, n1),
            "p_value": two_proportion_p(x1, n1, x2, n2),
            "detractor_revenue_share": float(revenue[outcomes["group"] == "detractor"].sum() / total) if total else None,
            "detractor_ids": set(outcomes.loc[outcomes["group"] == "detractor", "customer_id"]),
            "window_days": float(outcomes["window_days"].iloc[0])}


def _recent_revenue(ws, customers: set, as_of: dt.date) -> float:
    if not customers:
        return 0.0
    frame = query_df(connection(ws), "queries/feed/feedback/customer_revenue.sql",
                     {"start": as_of - dt.timedelta(days=365), "stop": as_of, "customers": sorted(customers)})
    return float(frame["revenue"].sum()) if len(frame) else 0.0


def _at_stake(revenue: float, lapse: dict) -> tuple[float, float, float]:
    """Revenue × the excess lapse rate of detractors (with the ends of its interval)."""
    low_rate, high_rate = lapse["detractor_rate_interval"]
    excess = [max(0.0, r - lapse["promoter_rate"]) for r in (lapse["detractor_rate"], low_rate, high_rate)]
    return revenue * excess[0], revenue * excess[1], revenue * excess[2]


def _at_risk(revenue: float, lapse: dict) -> tuple[float, float, float]:
    """Revenue × the share of detractors who lapse (with the ends of its Wilson interval): the value at risk."""
    low_rate, high_rate = lapse["detractor_rate_interval"]
    return revenue * lapse["detractor_rate"], revenue * low_rate, revenue * high_rate


def _fold(topics: list[dict]) -> list[dict]:
    """One story, one insight: a topic sharing a keyword word with a worse one joins it."""
    kept: list[dict] = []
    for topic in topics:
        words = {w for k in topic["keywords"] for w in k.split()}
        home = next((k for k in kept if words & {w for kw in k["keywords"] for w in kw.split()}), None)
        if home is None:
            kept.append(topic)
        else:
            home["folded"].append(topic["label"])
            home["customer_ids"] |= topic["customer_ids"]
    return kept


def _topics(answers: pd.DataFrame) -> list[dict]:
    """The themes whose NPS answers are clearly more often detractors than the rest's, worst first."""
    answers = answers.copy()
    answers["language"], main = languages(answers["text"])
    found, assignment = themes(answers, main)
    scored = answers["scale"].eq("nps") & answers["score"].notna()
    detractor = answers["score"].astype(float) <= 6
    tested = []
    for theme in found:
        mine = scored & (assignment == theme["theme"])
        rest = scored & (assignment != theme["theme"])
        n1, n2 = int(mine.sum()), int(rest.sum())
        if n1 < MIN_TOPIC or n2 < MIN_TOPIC:
            continue
        x1, x2 = int((mine & detractor).sum()), int((rest & detractor).sum())
        tested.append({**theme, "answers": n1, "folded": [], "detractor_share": x1 / n1, "rest_detractor_share": x2 / n2,
                       "p_value": two_proportion_p(x1, n1, x2, n2),
                       "customer_ids": set(answers.loc[mine & detractor, "customer_id"].dropna())})
    for theme, p in zip(tested, holm([t["p_value"] for t in tested])):
        theme["p_adjusted"] = p
    worse = [t for t in tested if t["p_adjusted"] <= ALPHA
             and t["detractor_share"] - t["rest_detractor_share"] >= MIN_DETRACTOR_GAP]
    worse.sort(key=lambda t: -(t["detractor_share"] - t["rest_detractor_share"]))
    return _fold(worse)[:MAX_TOPICS]


def feedback_insights(ws, as_of: dt.date) -> list[Insight]:
    """Detractors who lapse more, and the topics behind low scores, as of ``as_of``."""
    answers = responses(ws)
    if answers.empty:
        return []
    answers = answers[pd.to_datetime(answers["submitted_at"]) < pd.Timestamp(as_of)].reset_index(drop=True)
    lapse = _lapse_rates(ws, as_of)
    if lapse is None:
        return []
    currency = workspace_currency(connection(ws))
    month = dt.date((as_of - dt.timedelta(days=1)).year, (as_of - dt.timedelta(days=1)).month, 1)
    period = period_key("month", month)
    share = lapse["detractor_revenue_share"]
    share_words = f"they hold {share:.0%} of the revenue of customers who answered" if share is not None else ""
    gap = lapse["detractor_rate"] - lapse["promoter_rate"]
    out = []
    if lapse["p_value"] <= ALPHA and gap >= MIN_LAPSE_GAP:
        revenue = _recent_revenue(ws, lapse["detractor_ids"], as_of)
        impact, low, high = _at_stake(revenue, lapse)
        out.append(Insight(
            kind="feedback", period=period, metric="lapse_rate", owner="manager", evidence_url="/feedback",
            title=(f"Customers who gave you a low score stop buying: {lapse['detractor_rate']:.0%} of them have "
                   f"lapsed, against {lapse['promoter_rate']:.0%} of those who rated you 9–10"),
            why=(f"{lapse['detractors']:,} customers scored you 0–6 and {lapse['promoters']:,} scored 9–10; {share_words}. "
                 f"Lapsed means no order for more than {lapse['window_days']:.0f} days (longer than 9 in 10 of your "
                 f"customers' gaps between orders). They spent {format_money(revenue, currency)} in the last 12 months."),
            action={"text": "Reply to every low score within a week and fix what they name first; a personal "
                            "follow-up wins back part of them."},
            subject={"dimension": "nps group", "value": "detractors"},
            impact=round(impact, 2), impact_low=round(low, 2), impact_high=round(high, 2),
            confidence=confidence_of(lapse["p_value"]),
            details={k: v for k, v in lapse.items() if k != "detractor_ids"} | {"test": "two-proportion z"}))
    for topic in _topics(answers):
        revenue = _recent_revenue(ws, topic["customer_ids"], as_of)
        impact, low, high = _at_stake(revenue, lapse)
        at_risk = _at_risk(revenue, lapse)[0]
        examples = "; ".join(f"“{e}”" for e in topic["examples"][:2])
        out.append(Insight(
            kind="feedback", period=period, metric="detractor_share", owner="operations", evidence_url="/feedback",
            title=(f"Comments about “{topic['label']}” come with low scores: {topic['detractor_share']:.0%} of them "
                   f"scored you 0–6, against {topic['rest_detractor_share']:.0%} of the other answers"),
            why=(f"{topic['answers']:,} scored answers mention it, for example {examples}. Customers who scored you "
                 f"0–6 have lapsed at {lapse['detractor_rate']:.0%}, against {lapse['promoter_rate']:.0%} of those who "
                 f"scored 9–10; {share_words}. Those behind this topic who scored 0–6 spent {format_money(revenue, currency)} in the last 12 months; "
                 f"{format_money(at_risk, currency)} of it is at risk if they lapse like the others who scored 0–6; "
                 f"the amount at stake is what they lapse more than those who scored 9–10."),
            action={"text": f"Fix the cause behind “{topic['label']}” and tell the customers who raised it."},
            subject={"dimension": "topic", "value": topic["label"]},
            impact=round(impact, 2), impact_low=round(low, 2), impact_high=round(high, 2),
            confidence=confidence_of(topic["p_adjusted"]),
            details={"keywords": topic["keywords"], "answers": topic["answers"],
                     "detractor_share": topic["detractor_share"], "rest_detractor_share": topic["rest_detractor_share"],
                     "p_value": topic["p_value"], "p_adjusted": topic["p_adjusted"], "folded": topic["folded"], "test": "two-proportion z, Holm",
                     "detractor_lapse_rate": lapse["detractor_rate"], "promoter_lapse_rate": lapse["promoter_rate"]}))
    return out
