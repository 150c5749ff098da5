"""The insight feed: what happened, why, what to do, who does it — ranked, with the owner's statuses.

Modules: ``insight`` (the record and its stable id), ``baseline`` (what a period's figure should have been),
``anomalies`` (detector 1: KPI anomalies), ``attribution`` (detector 2: who explains an anomaly, supply or
demand), ``overdue`` (detector 8: overdue valuable customers and their list), ``value_source`` (detector 3: groups worth
clearly more or less), ``churn_drivers`` (detector 4: why customers leave, with the list), ``budget`` (move budget
between paid channels), ``status`` (new → seen → acted →
closed/dismissed, kept in the workspace) and ``feed`` (every detector, ranked).
"""

from insights.feed.feed import (DETECTORS, WINDOWS, build_feed, choose, default_as_of, feed_json, period_range,
                                window_start, with_current_statuses)
from insights.feed.insight import CONFIDENCE_WORDS, OWNERS, STATUSES, Insight, stable_id
from insights.feed.overdue import overdue_customers
from insights.feed.status import NEXT, set_status, statuses

__all__ = ["CONFIDENCE_WORDS", "DETECTORS", "NEXT", "OWNERS", "STATUSES", "WINDOWS", "Insight", "build_feed", "choose",
           "default_as_of", "feed_json", "overdue_customers", "period_range", "set_status", "stable_id", "statuses",
           "window_start", "with_current_statuses"]
