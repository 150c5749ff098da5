"""Three products bought together: a planted triple found (and a planted pair not mistaken for one), worked out
by hand on nine orders, and shops whose products are bought independently show none above the bar."""

import pandas as pd
import pytest
from scipy import stats

from insights.products.baskets import bought_together
from insights.products.triples import bought_together_three
from tests.products.shops import shop_lines, triple_shop


def kept(lines: pd.DataFrame) -> pd.DataFrame:
    """The kept-lines shape straight from simulated lines (one row per order and product, no returns)."""
    return lines.assign(ordered_at=pd.to_datetime(lines["ordered_at"]))[
        ["order_id", "customer_id", "ordered_at", "product_id", "product_name", "category"]]


def test_by_hand_on_nine_orders():
    baskets = [["A", "B", "C"]] * 3 + [["A", "B"], ["A"], ["A", "C"], ["B"], ["C"], ["D"]]
    lines = pd.DataFrame([dict(order_id=f"o{i}", customer_id="c", ordered_at="2024-01-01", product_id=p,
                               product_name=f"Name {p}", category="x") for i, b in enumerate(baskets) for p in b])
    lines = kept(lines)
    result = bought_together_three(lines, bought_together(lines, min_baskets=1, fdr=1.0))
    assert result.tests == 1 and result.baskets == 9       # D makes every pair of A, B, C lift above 1
    row = result.triples.iloc[0]
    assert (row["a"], row["b"], row["c"], row["baskets"]) == ("A", "B", "C", 3)
    # A and B → C: 3 of the 4 orders with both hold C; of the 3 with only one of them ({A}, {A, C}, {B}) 1 does.
    # B and C → A: 3 of 3 vs 2 of 4 ({A, B}, {A, C}, {B}, {C}); A and C → B: 3 of 4 vs 1 of 3 ({A, B}, {A}, {C}).
    ab_c = stats.hypergeom.sf(2, 7, 4, 4)        # 7 orders with A or B, 4 of them hold C, 4 with both: P(≥ 3)
    bc_a = stats.hypergeom.sf(2, 7, 5, 3)        # 7 with B or C, 5 hold A, 3 with both
    ac_b = stats.hypergeom.sf(2, 7, 4, 4)        # 7 with A or C, 4 hold B, 4 with both
    assert row["p_value"] == pytest.approx(max(ab_c, bc_a, ac_b)) == pytest.approx(13 / 35)
    assert row["uplift"] == pytest.approx(min((3 / 4) / (1 / 3), (3 / 3) / (2 / 4), (3 / 4) / (1 / 3))) == 2.0
    assert row["lift"] == pytest.approx(3 * 9 ** 2 / (6 * 5 * 5))
    assert row["a_name"] == "Name A"


def test_planted_triple_found_and_planted_pair_not_mistaken_for_one():
    lines = kept(triple_shop(12))
    result = bought_together_three(lines, bought_together(lines, min_baskets=10))
    strong = result.strong
    assert len(strong) >= 1
    assert {tuple(sorted(t)) for t in strong[["a", "b", "c"]].itertuples(index=False)} == {("P07", "P08", "P09")}
    assert strong.iloc[0]["uplift"] > 2
    # P01 → P02 is a strong pair, but no third product goes with both: no triple holds it
    with_pair = result.triples[result.triples[["a", "b", "c"]].isin(["P01", "P02"]).sum(axis=1) == 2]
    assert not with_pair["strong"].any() and result.tests < 10


def test_independent_shops_have_no_strong_triple():
    flagged = []
    for seed in range(3):
        lines = kept(shop_lines(seed, customers=1500))
        result = bought_together_three(lines, bought_together(lines, min_baskets=10))
        flagged.append(len(result.strong))
    assert sum(1 for f in flagged if f) <= 1, flagged
