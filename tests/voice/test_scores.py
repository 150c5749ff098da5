"""NPS and satisfaction with their intervals, checked against a computation on paper."""

import math

import pytest

from insights.voice.scores import nps, nps_group, satisfaction, wilson


def test_nps_and_its_adjusted_wald_interval_on_paper():
    # 10 promoters, 5 passives, 5 detractors: NPS = (10 − 5)/20 = +25.
    # Adjusted: n = 23, p = 10.75/23 = 0.46739, d = 5.75/23 = 0.25, centre 0.21739,
    # variance (0.46739 + 0.25 − 0.21739²)/23 = 0.029136, half-width 1.96 × 0.17069 = 0.33455
    answers = [10] * 6 + [9] * 4 + [8] * 3 + [7] * 2 + [6, 5, 3, 0, 1]
    result = nps(answers + [float("nan")])
    assert (result.score, result.responses, result.promoters, result.passives, result.detractors) == (25.0, 20, 10, 5, 5)
    assert result.ci_low == pytest.approx(-11.716, abs=0.001) and result.ci_high == pytest.approx(55.194, abs=0.001)
    assert result.small                                  # 20 answers: too few to compare


def test_nps_edges():
    assert nps([]).score is None and nps([]).ci_low is None
    everyone = nps([10] * 50)
    assert everyone.score == 100.0 and everyone.ci_high == 100.0 and 80 < everyone.ci_low < 100
    assert [nps_group(s) for s in (0, 6, 7, 8, 9, 10)] == ["detractor"] * 2 + ["passive"] * 2 + ["promoter"] * 2


def test_satisfaction_share_with_wilson_interval():
    # 7 of 10 ratings are 4 or 5. Wilson: centre (0.7 + 1.92/10)/1.384 = 0.6445, half 1.96 × sqrt(0.021 + 0.00096)/1.384
    result = satisfaction([5, 5, 4, 4, 4, 5, 4, 3, 2, 1])
    assert result.share_satisfied == 0.7 and result.mean == pytest.approx(3.7)
    z = 1.959963984540054
    centre = (0.7 + z * z / 20) / (1 + z * z / 10)
    half = z * math.sqrt(0.7 * 0.3 / 10 + z * z / 400) / (1 + z * z / 10)
    assert (result.ci_low, result.ci_high) == pytest.approx((centre - half, centre + half))
    assert wilson(0, 0) == (None, None) and wilson(0, 10)[0] == 0.0
