"""Detectors 5–7 find their planted stories with the right subject, and say nothing on shops without one
(simulated shops, tests/feed/shops.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from insights.feed import build_feed
from insights.feed.cohorts import cohort_insights, repeat_by_cohort
from insights.feed.feedback import feedback_insights
from insights.feed.funnel_leaks import funnel_leaks
from tests.feed.shops import simulate, simulated_workspace
from tests.helpers import workspace_from_tables


def _feed(seed, story, **kinds):
    ws = simulated_workspace(seed, story, **kinds)
    try:
        return build_feed(ws)
    finally:
        ws.close()


def _top(feed, kind):
    found = [i for i in feed[:5] if i.kind == kind]
    assert found, [(i.kind, i.confidence, i.title) for i in feed]
    return found[0]


def test_late_deliveries_behind_low_scores_are_named_as_the_topic():
    feed = _feed(1, "late_feedback", feedback=True)
    topic = _top(feed, "feedback")
    assert topic.subject["dimension"] == "topic" and "late" in topic.subject["value"]
    assert topic.confidence == "high" and topic.owner == "operations" and topic.evidence_url == "/feedback"
    assert topic.details["detractor_share"] > 0.9 > 0.5 > topic.details["rest_detractor_share"]
    assert 0 <= topic.impact_low <= topic.impact <= topic.impact_high and topic.impact > 0
    assert len([i for i in feed if i.kind == "feedback" and i.subject["dimension"] == "topic"]) == 1   # one story


def test_a_checkout_broken_on_mobile_is_the_funnel_leak_on_mobile_at_the_purchase_step():
    feed = _feed(1, "mobile_checkout", events=True)
    leak = _top(feed, "funnel")
    assert leak.subject == {"dimension": "device", "value": "mobile"}
    assert leak.details["worst_step"] == "Purchase" and leak.confidence == "high"
    assert leak.details["rate"] < 0.6 * leak.details["rest_rate"]
    assert leak.impact_low <= leak.impact <= leak.impact_high and leak.impact > 0
    assert "purchase step" in leak.title and leak.owner == "manager"


def test_a_better_recent_cohort_is_found_and_dated():
    feed = _feed(1, "better_cohort")
    cohort = _top(feed, "cohort")
    assert cohort.subject == {"dimension": "cohort", "value": "2024-09 to 2024-11"}
    assert cohort.details["direction"] == "better" and "come back more" in cohort.title
    assert cohort.details["recent_rate"] > cohort.details["older_rate"] + 0.05
    assert cohort.confidence in ("high", "medium") and cohort.period == "2024-11"


def test_cohorts_are_compared_only_once_their_whole_window_has_passed():
    ws = simulated_workspace(3, "better_cohort")
    try:
        cohorts = repeat_by_cohort(ws, dt.date(2025, 3, 1))
        assert cohorts["cohort"].max().strftime("%Y-%m") == "2024-11"      # December's 90 days end in March
        assert cohort_insights(ws, dt.date(2024, 6, 1)) == []             # too few cohorts yet
    finally:
        ws.close()


@pytest.mark.parametrize("seed", range(200, 205))
def test_no_feedback_funnel_or_cohort_insight_on_a_shop_without_a_story(seed):
    ws = simulated_workspace(seed, events=True, feedback=True)
    try:
        as_of = dt.date(2025, 3, 1)
        found = feedback_insights(ws, as_of) + funnel_leaks(ws, as_of) + cohort_insights(ws, as_of)
    finally:
        ws.close()
    assert found == [], [(i.kind, i.confidence, i.title) for i in found]


def test_a_month_when_checkouts_failed_is_a_conversion_anomaly_sent_to_the_funnel_page():
    feed = _feed(3, "checkout_outage", events=True, orders_per_day=40)
    [drop] = [i for i in feed if i.kind == "anomaly" and i.metric == "conversion" and i.period == "2024-10"]
    assert "Conversion in October 2024 was" in drop.title and "below" in drop.title
    assert drop.evidence_url == "/funnel" and drop.confidence == "high" and drop.impact > 0
    assert feed.index(drop) < 5


def test_a_channel_whose_purchases_are_never_recorded_is_a_tracking_gap_not_a_leak():
    frames = simulate(4, events=True, orders_per_day=10)
    events = frames["events"]
    lost = events["channel"].eq("Referral") & events["event_type"].eq("purchase")      # the tag never fires
    ws = workspace_from_tables(order_lines=frames["order_lines"], events=events[~lost])
    try:
        found = funnel_leaks(ws, dt.date(2025, 3, 1))
    finally:
        ws.close()
    [gap] = [i for i in found if i.subject == {"dimension": "channel", "value": "Referral"}]
    assert gap.metric == "tracking" and gap.impact == gap.impact_low == gap.impact_high == 0
    assert gap.details["expected"] > 20 and gap.owner == "manager" and "purchase event" in gap.action["text"]
    assert not [i for i in found if i.metric == "conversion"], [i.title for i in found]
