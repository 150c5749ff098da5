"""Reading result files: the variant, the control, the unit, the metrics, and every excluded row counted."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from insights.experiments.analysis import analyse
from insights.experiments.comparisons import compare_means, winsorise
from insights.experiments.result_file import ExperimentError, read_result_file

SMALL = """recipient_id;test_group;opened;Ordered;Order value
r1;Control;yes;TRUE;€0,00
r2;Control;no;FALSE;€0,00
r2;Control;no;FALSE;€0,00
r3;Control;yes;TRUE;€12,50
r4;Variant B;yes;TRUE;€1.234,50
r5;Variant B;no;FALSE;
r6;Variant B;yes;FALSE;€0,00
r6;Control;yes;FALSE;€0,00
r7;Variant B;yes;TRUE;-€5,00
"""


def test_small_file_read_exactly():
    data = read_result_file(SMALL.encode("cp1252"), name="campaign.csv")
    assert (data.variant_column, data.control, data.unit_column) == ("test_group", "Control", "recipient_id")
    assert [(m.name, m.kind) for m in data.metrics] == [("opened", "rate"), ("Ordered", "rate"),
                                                         ("Order value", "mean")]
    money = data.metrics[2]
    assert money.money and money.currency == "EUR"
    reasons = {e["reason"]: e["rows"] for e in data.exclusions}
    assert reasons == {"exact repeated row (counted once)": 1, "unit seen in two variants": 2}
    assert data.excluded_by_label() == {"Control": 2, "Variant B": 1}
    by = data.units.groupby("variant", observed=True)["Order value"].sum()
    assert by["Control"] == pytest.approx(12.5) and by["Variant B"] == pytest.approx(1229.5)
    result = analyse(data).to_dict()
    assert [v["units"] for v in result["variants"]] == [3, 3]
    assert len(result["metrics"]) == 3 and all(m["variant"] == "Variant B" for m in result["metrics"])


def test_x_or_blank_and_xlsx(tmp_path):
    frame = pd.DataFrame({"Customer": [f"c{i}" for i in range(8)], "Cell": ["holdout"] * 4 + ["mail"] * 4,
                          "Bought": ["x", "", "", "", "x", "x", "", "x"]})
    path = tmp_path / "result.xlsx"
    frame.to_excel(path, index=False)
    data = read_result_file(path)
    assert data.control == "holdout" and data.metrics[0].kind == "rate"
    means = data.units.groupby("variant", observed=True)["Bought"].mean()
    assert means["holdout"] == 0.25 and means["mail"] == 0.75


def test_unclear_control_and_bad_names_say_what_is_expected():
    text = "id,arm,converted\n1,red,1\n2,blue,0\n3,red,0\n"
    data = read_result_file(text.encode(), name="r.csv")
    assert data.control is None
    with pytest.raises(ExperimentError, match="which label is the control"):
        analyse(data)
    with pytest.raises(ExperimentError, match="no label 'green'.*blue, red"):
        read_result_file(text.encode(), name="r.csv", control="green")
    with pytest.raises(ExperimentError, match="no column 'spend' for a metric"):
        read_result_file(text.encode(), name="r.csv", metrics=["spend"])
    with pytest.raises(ExperimentError, match="no column looks like the variant"):
        read_result_file(b"id,converted\n1,1\n2,0\n", name="r.csv")


def test_without_an_id_equal_rows_are_different_people():
    text = "group,converted\ncontrol,0\ncontrol,0\ntreatment,0\ntreatment,1\n"
    data = read_result_file(text.encode(), name="r.csv")
    assert data.unit_column is None and data.exclusions == [] and len(data.units) == 4


def test_winsorise_caps_over_buyers_and_refunds_below():
    values = np.array([0.0] * 990 + list(range(1, 11)) + [-1.0, -2.0, -500.0])
    capped, upper, lower = winsorise(values, 90)
    assert upper == pytest.approx(np.percentile(np.arange(1, 11), 90))   # not the pooled 90th percentile (0)
    assert capped.max() == upper and capped.min() == lower > -500
    assert (capped[:990] == 0).all()


def test_welch_and_delta_method_against_a_hand_computation():
    a, b = np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 4, 6, 8, 10, 12])
    c = compare_means("m", "B", a, b)
    va, vb = a.var(ddof=1) / 5, b.var(ddof=1) / 6
    assert c.diff == 4.0 and c.variance == pytest.approx(va + vb)
    assert c.p_value == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue)
    se_rel = np.sqrt(vb / 9 + 49 * va / 81)
    assert c.rel_diff == pytest.approx(7 / 3 - 1) and c.rel_high - c.rel_diff == pytest.approx(1.959964 * se_rel)


def test_the_owners_answer_sets_the_control():
    data = read_result_file(b"id,arm,converted\n1,red,1\n2,blue,0\n3,red,0\n", name="r.csv")
    result = analyse(data.with_control("red")).to_dict()
    assert result["control"] == "red" and [v["label"] for v in result["variants"]] == ["red", "blue"]
    assert result["metrics"][0]["variant"] == "blue"
