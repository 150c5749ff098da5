"""The baseline compares per day (short months are not anomalies), knows weekdays and trend, and flags a drop."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from insights.feed.anomalies import candidate_periods, confidence_of, flagged, PeriodTest
from insights.feed.baseline import expect
from insights.feed.insight import Insight, stable_id


def _series(seed=0, days=500, start="2023-01-01", trend=0.3):
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=days, freq="D")
    weekday = np.where(index.day_of_week >= 5, 2.0, 1.0)         # weekends sell twice as much
    level = 100 * weekday * (1 + trend * np.arange(days) / 365.25)
    return pd.Series(rng.poisson(level).astype(float), index=index)


def test_february_is_compared_day_for_day_so_its_three_missing_days_are_no_anomaly():
    series = _series()
    jan = expect(series, dt.date(2024, 1, 1), dt.date(2024, 2, 1))
    feb = expect(series, dt.date(2024, 2, 1), dt.date(2024, 3, 1))
    assert feb.actual < jan.actual * 0.97                  # February's total is lower ...
    assert feb.days == 29 and abs(feb.z) < 3               # ... and expected to be: 2024 is a leap year
    assert feb.low < feb.actual < feb.high
    assert abs(feb.expected - feb.actual) / feb.actual < 0.05


def test_the_weekday_pattern_is_learnt_a_week_of_weekends_is_not_surprising():
    series = _series(seed=1)
    week = expect(series, dt.date(2024, 1, 1), dt.date(2024, 1, 8))       # Monday to Sunday
    weekend = expect(series, dt.date(2024, 1, 6), dt.date(2024, 1, 8))    # Saturday and Sunday only
    assert abs(week.z) < 3 and abs(weekend.z) < 3
    assert weekend.expected / 2 > week.expected / 7 * 1.4                  # a weekend day is expected busier


def test_a_forty_percent_drop_is_flagged_with_high_confidence_and_too_little_history_is_not_tested():
    series = _series(seed=2)
    series[(series.index >= "2024-01-01") & (series.index < "2024-02-01")] *= 0.6
    drop = expect(series, dt.date(2024, 1, 1), dt.date(2024, 2, 1))
    assert drop.z < -8 and drop.p_value < 1e-9 and drop.actual < drop.low
    assert expect(series, dt.date(2023, 2, 1), dt.date(2023, 3, 1), min_history_days=56) is None
    tests = [PeriodTest("net_revenue", "month", dt.date(2024, 1, 1), dt.date(2024, 2, 1), drop)]
    [(test, q)] = flagged(tests)
    assert confidence_of(q) == "high"


def test_candidate_periods_need_six_months_of_history_for_a_month_and_eight_weeks_for_a_week():
    periods = candidate_periods(dt.date(2024, 1, 10), dt.date(2024, 9, 3))
    months = [s for g, s, _ in periods if g == "month"]
    weeks = [s for g, s, _ in periods if g == "week"]
    assert months == [dt.date(2024, 8, 1)]                 # July starts 173 days in; August is complete
    assert len(weeks) == 13 and weeks[-1] == dt.date(2024, 8, 26) and all(s.weekday() == 0 for s in weeks)


def test_an_insight_id_depends_on_what_it_is_about_not_on_its_numbers():
    subject = {"dimension": "category", "value": "Garden Tools"}
    one = Insight("anomaly", "t", "w", {"text": "x", "cause": "supply"}, "operations", "2025-07", "net_revenue",
                  subject, 10.0, 5.0, 15.0, "high", "/kpis")
    other = Insight("anomaly", "another title", "why", {"text": "y", "cause": "supply"}, "operations", "2025-07",
                    "net_revenue", subject, 99.0, 50.0, 150.0, "medium", "/kpis")
    assert one.id == other.id == stable_id("anomaly", "net_revenue", subject, "2025-07")
    assert one.id != stable_id("anomaly", "net_revenue", subject, "2025-08")
    assert list(one.to_dict()) == ["id", "kind", "title", "why", "action", "owner", "period", "metric", "subject",
                                   "impact", "impact_low", "impact_high", "confidence", "status", "evidence_url"]
    with pytest.raises(ValueError, match="unknown owner"):
        Insight("anomaly", "t", "w", {}, "ceo", "2025-07", "m", subject, 1.0, 1.0, 1.0, "high", "/kpis")


def test_a_shop_closed_on_saturdays_gets_a_baseline_for_its_order_value_without_a_saturday_level(recwarn):
    series = _series(seed=3)
    series[series.index.day_of_week == 5] = np.nan            # no order, so no order value, on Saturdays
    result = expect(series, dt.date(2024, 1, 1), dt.date(2024, 2, 1), how="mean")
    assert result.days == 31 - 4 and abs(result.z) < 3      # January 2024 has four Saturdays
    assert not [w for w in recwarn if "rank-deficient" in str(w.message)]
