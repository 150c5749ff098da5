import json
import math

import pytest
from scipy import stats

from insights.cli import main
from insights.experiments.planner import mde_at, plan, users_per_variant


def test_textbook_number():
    assert users_per_variant(0.05, 0.1) == 31234
    assert users_per_variant(0.05, 0.005, absolute=True) == 31234


def test_agrees_with_a_hand_computation_of_the_formula():
    p1, p2 = 0.2, 0.25
    za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.9)
    pbar = (p1 + p2) / 2
    hand = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / 0.05 ** 2
    assert users_per_variant(0.2, 0.05, absolute=True, power=0.9) == math.ceil(hand)


def test_more_variants_one_side_and_inverse():
    assert users_per_variant(0.05, 0.1, variants=3) > 31234         # α split over two comparisons
    assert users_per_variant(0.05, 0.1, sides=1) < 31234
    assert mde_at(31234, 0.05) == pytest.approx(0.1, abs=1e-4)       # the inverse meets the forward formula
    small = mde_at(920, 0.05)
    assert 0.5 < small < 0.8                                        # 1,840 customers split in two: only big lifts
    assert mde_at(920, 0.05, absolute=True) == pytest.approx(small * 0.05)


def test_bad_inputs_say_what_was_expected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        plan(5, 0.1)
    with pytest.raises(ValueError, match="at least 2"):
        plan(0.05, 0.1, variants=1)


def test_cli_plan_json(capsys):
    assert main(["plan", "--baseline", "0.05", "--mde", "0.1", "--list-size", "62468", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"users_per_variant", "total_users", "mde_at_list_size"}
    assert out["users_per_variant"] == 31234 and out["total_users"] == 62468
    assert out["mde_at_list_size"] == pytest.approx(0.1, abs=1e-4)
