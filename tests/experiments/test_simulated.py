"""Simulated result files in several layouts: A/A tests are significant at about the nominal rate, a planted
lift is found with an interval that covers it, a broken split is flagged."""

from scipy import stats
import pytest

from insights.experiments.analysis import analyse
from insights.experiments.result_file import read_result_file
from insights.experiments.simulate import LAYOUTS, result_file_text


def _analyse(text, **kwargs):
    return analyse(read_result_file(text.encode("utf-8"), name="result.csv"), **kwargs)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_layout_is_read(layout):
    result = _analyse(result_file_text(3000, lift=0.3, layout=layout, random_state=2))
    spec = LAYOUTS[layout]
    assert result.data.control == spec.labels[0] and result.data.unit_column == spec.id_column
    assert [m.name for m in result.data.metrics] == [spec.converted_column, spec.revenue_column]


def test_a_a_files_are_significant_at_about_the_nominal_rate():
    layouts = sorted(LAYOUTS)
    p_values = [_analyse(result_file_text(1000, baseline=0.2, lift=0.0, layout=layouts[i % 4], random_state=100 + i))
                .comparisons[0].p_value for i in range(60)]
    hits = sum(p < 0.05 for p in p_values)
    assert 0 < hits <= 9                                  # 5% of 60 = 3
    assert stats.kstest(p_values, "uniform").pvalue > 0.01  # under no difference p-values are uniform


def test_a_planted_lift_is_found_and_covered():
    covered = 0
    for seed in range(6):
        result = _analyse(result_file_text(20000, baseline=0.2, lift=0.15, layout="mailchimp", random_state=seed))
        conv = result.to_dict()["metrics"][0]
        assert conv["significant"] and conv["diff"] > 0
        covered += conv["diff_low"] <= 0.03 <= conv["diff_high"]
    assert covered >= 5
    assert "ship B" in result.verdict


def test_a_broken_split_is_flagged_and_said_first():
    text = result_file_text(10000, split=0.56, layout="shopify", random_state=4)
    result = _analyse(text)
    assert result.srm.flagged and result.srm.p_value < 0.001
    assert result.verdict.startswith("Do not trust these results")
    assert not _analyse(text, split="56/44").srm.flagged          # the planned split was not equal after all


def test_money_in_the_verdict_and_the_robust_and_sequential_options():
    text = result_file_text(20000, baseline=0.2, lift=0.15, layout="sheet", random_state=1)
    result = _analyse(text, robust=True)
    assert "from £7.27 to £8.65" in result.verdict and "per 1,000 customers" in result.verdict
    spent = next(c for c in result.comparisons if c.metric == "Spent")
    upper, lower = result.caps["Spent"]
    assert f"cap {upper:,.2f}" in spent.method and lower is None
    plain = _analyse(text)
    assert next(c for c in plain.comparisons if c.metric == "Spent").variant_value > spent.variant_value
    sequential = _analyse(text, sequential=True)
    fixed, seq = plain.comparisons[0], sequential.comparisons[0]
    assert seq.diff == fixed.diff and seq.diff_high - seq.diff_low > fixed.diff_high - fixed.diff_low
    assert seq.p_value >= fixed.p_value and "mixture SPRT" in seq.method
