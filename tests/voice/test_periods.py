"""NPS per week, month or quarter, worked out on paper: a week is named by its Monday and runs to Sunday."""

import pandas as pd
import pytest

from insights.voice.groups import by_period


def answers(rows):
    return pd.DataFrame([{"submitted_at": pd.Timestamp(at), "scale": scale, "score": score}
                         for at, scale, score in rows])


ROWS = [("2024-03-03 23:00", "nps", 10), ("2024-03-04 08:00", "nps", 9),    # Sunday, then Monday: two weeks
        ("2024-03-05 09:00", "nps", 3), ("2024-03-10 12:00", "nps", 7),     # Tuesday and Sunday of that week
        ("2024-03-06 10:00", "rating", 5), ("2024-04-01 10:00", "nps", 0)]


def test_weeks_months_and_quarters():
    weeks = by_period(answers(ROWS), "week")
    assert [(w["period"], w["nps_responses"]) for w in weeks] == [("2024-02-26", 1), ("2024-03-04", 3),
                                                                   ("2024-04-01", 1)]
    # the week of 4 March: one promoter (9), one passive (7), one detractor (3) → NPS 0; one rating of 5
    assert weeks[1]["nps"] == pytest.approx(0.0) and weeks[1]["rating_responses"] == 1
    assert weeks[1]["nps_ci_low"] < 0 < weeks[1]["nps_ci_high"] and weeks[1]["small"]
    months = by_period(answers(ROWS), "month")
    assert [(m["period"], m["nps"]) for m in months] == [("2024-03", pytest.approx(25.0)), ("2024-04", -100.0)]
    assert [q["period"] for q in by_period(answers(ROWS), "quarter")] == ["2024Q1", "2024Q2"]
    with pytest.raises(ValueError, match="period must be one of"):
        by_period(answers(ROWS), "day")
