"""Final at planned size (issue 21 section 3): a test read before its planned size is an early look — its verdict
and lines say "provisional" and its intervals are the always-valid ones, so an owner who looks every day is not
fooled — and the fixed-horizon result is shown as final only once the planned customers are in."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.experiments.analysis import analyse
from insights.experiments.comparisons import compare_rates
from insights.experiments.result_file import ExperimentData, ExperimentError, Metric, read_result_file
from insights.experiments.simulate import result_file_text


def _data(control: np.ndarray, treated: np.ndarray) -> ExperimentData:
    units = pd.DataFrame({"variant": ["A"] * len(control) + ["B"] * len(treated),
                          "bought": np.concatenate([control, treated]).astype(float)})
    return ExperimentData(file="looks.csv", variant_column="group", unit_column=None, labels=["A", "B"],
                          control="A", metrics=[Metric("bought", "rate")], units=units)


@pytest.fixture(scope="module")
def planted():
    text = result_file_text(20000, baseline=0.2, lift=0.15, layout="sheet", random_state=1)
    return read_result_file(text.encode("utf-8"), name="result.csv")


def test_an_early_look_is_provisional_with_always_valid_ranges(planted):
    early = analyse(planted, planned_units=40000)
    sequential = analyse(planted, sequential=True)
    assert early.final is False and early.to_dict()["final"] is False and early.to_dict()["planned_units"] == 40000
    assert early.verdict.startswith("Provisional — 20,000 of the 40,000 planned customers so far")
    assert "widened" in early.verdict and all(line.endswith("(provisional)") for line in early.details)
    for got, want in zip(early.comparisons, sequential.comparisons):
        assert (got.diff_low, got.diff_high, got.p_value) == (want.diff_low, want.diff_high, want.p_value)
        assert "mixture SPRT" in got.method


def test_at_the_planned_size_the_fixed_horizon_result_is_final(planted):
    final = analyse(planted, planned_units=20000)
    fixed = analyse(planted)
    assert final.final is True and fixed.final is None
    assert final.verdict == "Final — the planned 20,000 customers are in: " + fixed.verdict
    assert [(c.diff_low, c.diff_high) for c in final.comparisons] == [(c.diff_low, c.diff_high)
                                                                      for c in fixed.comparisons]
    assert not any("provisional" in line for line in final.details)
    with pytest.raises(ExperimentError, match="planned size"):
        analyse(planted, planned_units=1)


def test_daily_looks_before_the_planned_size_keep_false_alarms_under_5_percent():
    """40 A/A tests of 4,000 customers planned, each looked at after every 400 (nine early looks): reading the
    fixed-horizon test at every look calls a 'winner' in far more than 5% of them; the provisional (always-valid)
    result in at most 5% (the 1,000-test proof of the mixture SPRT itself is tests/experiments/test_sequential.py)."""
    rng = np.random.default_rng(8)
    tests, planned, step = 40, 4000, 400
    naive = early = 0
    for _ in range(tests):
        control, treated = rng.random(planned // 2) < 0.1, rng.random(planned // 2) < 0.1
        looks = range(step // 2, planned // 2, step // 2)
        naive += any(compare_rates("bought", "B", control[:k], treated[:k]).p_value < 0.05 for k in looks)
        early += any(analyse(_data(control[:k], treated[:k]), planned_units=planned).significant(0) for k in looks)
    print(f"false alarms over nine early looks: fixed-horizon {naive / tests:.1%}, provisional {early / tests:.1%}")
    assert naive / tests > 0.10
    assert early / tests <= 0.05
