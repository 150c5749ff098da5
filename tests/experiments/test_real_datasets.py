"""The two public A/B tests the issue names, with the numbers published for them."""

import json

import pytest

from insights.cli import main
from insights.experiments.analysis import analyse
from insights.experiments.result_file import read_result_file


@pytest.fixture(scope="module")
def cookie_cats(shared_data):
    data = read_result_file(shared_data / "cookie_cats_ab_test" / "cookie_cats.csv", variant="version",
                            control="gate_30")
    return analyse(data).to_dict()


@pytest.fixture(scope="module")
def udacity(shared_data):
    return analyse(read_result_file(shared_data / "udacity_ab_test" / "ab_data.csv"))


def _metric(result, name):
    return next(m for m in result["metrics"] if m["metric"] == name)


def test_cookie_cats_seven_day_retention_fell(cookie_cats):
    r7 = _metric(cookie_cats, "retention_7")
    assert round(r7["control_value"], 4) == 0.1902 and round(r7["variant_value"], 4) == 0.1820
    assert round(r7["diff"] * 100, 2) == -0.82
    assert r7["p_value"] == pytest.approx(0.0016, abs=0.0001)
    assert r7["significant"] and r7["diff_high"] < 0
    assert r7["p_adjusted"] == pytest.approx(3 * r7["p_value"])          # Holm over three metrics, smallest first
    assert cookie_cats["verdict"].startswith("gate_40 lowered retention_7 from 19.02% to 18.20%")


def test_cookie_cats_one_day_retention_and_split(cookie_cats):
    r1 = _metric(cookie_cats, "retention_1")
    assert r1["p_value"] == pytest.approx(0.074, abs=0.001) and not r1["significant"]
    assert [v["units"] for v in cookie_cats["variants"]] == [44700, 45489]
    assert cookie_cats["srm"]["p_value"] == pytest.approx(0.0086, abs=0.0001)
    assert cookie_cats["srm"]["flagged"] is False
    assert _metric(cookie_cats, "sum_gamerounds")["method"].startswith("Welch")


def test_udacity_contradicting_rows_and_repeated_users_excluded_and_counted(udacity):
    result = udacity.to_dict()
    reasons = {e["reason"]: e["rows"] for e in result["exclusions"]}
    assert reasons["assignment contradicts column 'landing_page'"] == 3893
    assert reasons["repeated 'user_id' in one variant (first row kept)"] == 1
    assert udacity.data.assignment_columns == ["landing_page"]
    assert [v["units"] for v in result["variants"]] == [145274, 145310]
    assert sum(v["units"] + v["excluded"] for v in result["variants"]) == udacity.data.rows_read == 294478
    conv = _metric(result, "converted")
    assert round(conv["control_value"], 4) == 0.1204 and round(conv["variant_value"], 4) == 0.1188
    assert conv["p_value"] == pytest.approx(0.19, abs=0.005) and not conv["significant"]
    assert result["verdict"].startswith("No difference we can tell from chance")


def test_cli_json_shape(shared_data, capsys):
    assert main(["experiment", "--file", str(shared_data / "cookie_cats_ab_test" / "cookie_cats.csv"),
                 "--variant", "version", "--control", "gate_30", "--metric", "retention_7", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"control", "variants", "srm", "metrics", "verdict"}
    assert set(out["variants"][0]) == {"label", "units", "excluded"}
    assert set(out["srm"]) == {"p_value", "flagged", "expected_split"}
    assert set(out["metrics"][0]) == {"metric", "variant", "control_value", "variant_value", "diff", "diff_low",
                                      "diff_high", "rel_diff", "p_value", "p_adjusted", "significant", "method"}
    assert [m["metric"] for m in out["metrics"]] == ["retention_7"]
    assert out["metrics"][0]["p_adjusted"] == out["metrics"][0]["p_value"]     # one comparison: nothing to adjust


def test_cli_asks_for_the_control_when_unclear(shared_data):
    with pytest.raises(SystemExit, match="which label is the control.*gate_30, gate_40"):
        main(["experiment", "--file", str(shared_data / "cookie_cats_ab_test" / "cookie_cats.csv")])
