import numpy as np

from insights.performance.kpis.noise import MIN_CHANGES, judge_change, usual_swing


def test_a_change_is_judged_against_the_kpis_own_ups_and_downs():
    earlier = [100, 104, 98, 103, 99, 102]          # changes +4 −6 +5 −4 +3: swings of about ±5
    swing, seen = usual_swing(earlier)
    assert seen == 5 and 8 < swing < 14
    assert judge_change(3, earlier).beyond is False
    assert judge_change(-30, earlier).beyond is True


def test_one_odd_period_does_not_make_everything_look_usual():
    earlier = [100, 102, 99, 101, 100, 300, 101, 100]   # one spike: the median deviation ignores it
    assert judge_change(40, earlier).beyond is True


def test_too_short_a_history_is_not_judged_and_flat_history_uses_the_spread():
    assert judge_change(50, [1, 2, 3]).beyond is None
    assert judge_change(50, [1, 2, 3]).changes_seen == 2
    assert judge_change(50, [np.nan] * 10).beyond is None
    assert judge_change(None, list(range(10))).beyond is None
    flat_then_moving = [10, 10, 10, 10, 10, 12]      # median deviation 0: the standard deviation instead
    assert judge_change(1, flat_then_moving).beyond is False
    assert MIN_CHANGES == 4


def test_a_random_walk_is_flagged_about_as_often_as_the_rule_says():
    rng = np.random.default_rng(7)
    flagged = 0
    for _ in range(400):
        walk = np.cumsum(rng.normal(0, 10, 13)) + 1000
        flagged += bool(judge_change(walk[-1] - walk[-2], walk[:-1]).beyond)
    assert 0.01 < flagged / 400 < 0.15         # ≈ 5 % for normal changes, more with only 11 to learn from
