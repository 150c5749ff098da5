"""`baskets` and `recommend` on the command line: the issue's JSON shapes, the consented file (formula-safe)."""

import csv
import io
import json

import pandas as pd

from insights.cli import main
from insights.core.workspace import Workspace
from tests.helpers import workspace_from_tables
from tests.products.shops import shop_lines


def workspace_on_disk(folder, lines, records=()):
    ws = Workspace.create_at(folder)
    workspace_from_tables(order_lines=lines, customer_records=records, ws=ws)
    ws.close()
    return str(folder)


def test_baskets_json_shape(tmp_path, capsys):
    path = workspace_on_disk(tmp_path / "shop", shop_lines(1, planted=True))
    assert main(["baskets", "--workspace", path, "--json", "--min-baskets", "10"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["baskets"] > 800 and out["pairs_tested"] == 435
    pair = out["pairs"][0]
    assert set(pair) >= {"a", "a_name", "b", "b_name", "baskets", "support", "confidence_ab", "confidence_ba",
                         "lift", "p_value"}
    assert {pair["a"], pair["b"]} == {"P01", "P02"}
    gateway = out["gateways"][0]
    assert set(gateway) >= {"product", "name", "customers", "repeat_rate", "ci_low", "ci_high", "vs_average"}
    assert gateway["product"] == "P05"
    assert "triples" not in out                                   # only when asked: slower on big catalogues
    assert out["first_year_customers"] == 0 and out["first_year_value"] == []    # no first order a year old yet
    assert main(["baskets", "--workspace", path, "--level", "category"]) == 0
    assert "orders;" in capsys.readouterr().out
    assert main(["baskets", "--workspace", path, "--json", "--triples"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["triples"] == [] and out["triples_tested"] == 0     # one planted pair: no triangle of pairs


def test_recommend_file_consent_and_formula_safety(tmp_path, capsys):
    lines = shop_lines(5, customers=60)
    lines.loc[lines["product_id"] == "P03", "product_name"] = "=HYPERLINK(\"http://x\")"
    records = [dict(customer_id=f"c{c:04d}", email=f"c{c}@example.com", consent_email=c % 2 == 0)
               for c in range(40)]                        # 20 consent, 20 refuse, 20 without a CRM record
    path = workspace_on_disk(tmp_path / "shop", lines, records)
    out = tmp_path / "recs.csv"
    assert main(["recommend", "--workspace", path, "--top", "3", "--method", "cosine", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Wrote 20 customers" in said and "Left out: 40 customers" in said
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert list(rows[0]) == ["customer_id", "rank", "product_id", "product_name", "score", "method"]
    assert {r["customer_id"] for r in rows} == {f"c{c:04d}" for c in range(0, 40, 2)}
    assert not [r for r in rows if r["product_name"].startswith("=")]
    assert all(r["method"] == "cosine" for r in rows) and {r["rank"] for r in rows} == {"1", "2", "3"}


def test_recommend_evaluate_json(tmp_path, capsys):
    path = workspace_on_disk(tmp_path / "shop", shop_lines(6, customers=300))
    assert main(["recommend", "--workspace", path, "--evaluate", "--json", "--as-of", "2024-09-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [m["method"] for m in out["methods"]] == ["best_sellers", "cosine", "ease"]
    assert set(out["methods"][0]) == {"method", "hit_rate", "recall", "coverage", "customers"}
    assert out["chosen"] in {"best_sellers", "cosine", "ease"} and out["end"] == "2024-09-01"
    table = pd.DataFrame(out["methods"]).set_index("method")
    if out["chosen"] != "best_sellers":
        assert table.loc[out["chosen"], "hit_rate"] > table.loc["best_sellers", "hit_rate"]
