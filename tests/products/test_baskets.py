"""Products bought together: worked out by hand on four orders, a planted cross-sell found, and an independent
shop with no pair above the bar (false discoveries at the stated rate)."""

import numpy as np
import pytest
from scipy import stats

from insights.products.baskets import benjamini_hochberg, bought_together, upper_tail
from insights.products.lines import kept_lines
from tests.helpers import workspace_from_tables
from tests.products.shops import shop, shop_lines


def line(order, product, customer="c1", at="2024-02-01", quantity=1, **flags):
    return dict(order_id=order, customer_id=customer, ordered_at=at, product_id=product,
                product_name=f"Name of {product}", category="Mugs" if product < "M" else "Tea",
                quantity=quantity, unit_price="5", **flags)


HAND = [
    line("o1", "A"), line("o1", "B"), line("o1", "POST", is_non_product=True),
    line("o2", "A", customer="c2"), line("o2", "B", customer="c2"),
    line("o3", "A", customer="c3"), line("o3", "C", customer="c3"),
    line("o3", "C", customer="c3", quantity=-1, is_return=True),          # C returned on its own order
    line("o4", "B", customer="c4"), line("o4", "C", customer="c4"),
    line("x4", "C", customer="c4", at="2024-02-03", quantity=-1, is_cancellation=True),   # UCI-style cancel
    dict(line("o1", "A", at="2024-02-05"), product_name="returned", unit_price="0"),  # a zero-price note, no name
]


def test_hand_counts_netting_and_names():
    ws = workspace_from_tables(order_lines=HAND)
    lines = kept_lines(ws)
    assert "POST" not in set(lines["product_id"])                      # postage is not a product
    assert set(zip(lines["order_id"], lines["product_id"])) == {
        ("o1", "A"), ("o1", "B"), ("o2", "A"), ("o2", "B"), ("o3", "A"), ("o4", "B")}
    pairs = bought_together(lines, min_baskets=1)
    assert pairs.baskets == 4 and pairs.tests == 1                     # C is in no kept basket
    row = pairs.pairs.iloc[0]
    assert {row["a"], row["b"]} == {"A", "B"} and row["baskets"] == 2
    assert row["support"] == pytest.approx(2 / 4)
    assert row["lift"] == pytest.approx((2 / 4) / ((3 / 4) * (3 / 4)))
    assert sorted([row["confidence_ab"], row["confidence_ba"]]) == pytest.approx([2 / 3, 2 / 3])
    assert row["p_value"] == pytest.approx(stats.hypergeom.sf(1, 4, 3, 3))
    assert {row["a_name"], row["b_name"]} == {"Name of A", "Name of B"}
    ws.close()


def test_upper_tail_matches_scipy_and_bh_by_hand():
    rng = np.random.default_rng(3)
    n_a, n_b = rng.integers(5, 900, 300), rng.integers(5, 900, 300)
    both = np.minimum(np.maximum(1, (n_a * n_b / 3000 * rng.uniform(0.5, 5, 300)).astype(int)),
                      np.minimum(n_a, n_b))
    expected = stats.hypergeom.sf(both - 1, 3000, n_a, n_b)
    np.testing.assert_allclose(upper_tail(both, 3000, n_a, n_b), expected, rtol=1e-8, atol=1e-14)
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03]), tests=4)
    assert q.tolist() == pytest.approx([0.04, 0.16 / 3, 0.16 / 3])        # 0.01·4/1; min(0.03·4/2, 0.04·4/3)


def test_planted_cross_sell_found():
    pairs = bought_together(kept_lines(shop(1, planted=True)), min_baskets=10)
    found = pairs.associated
    assert len(found) >= 1
    top = found.iloc[0]
    assert {top["a"], top["b"]} == {"P01", "P02"} and top["lift"] > 2


def test_independent_shops_show_no_association_above_the_bar():
    # 6 shops × 435 pairs tested: BH at 5% under no association at all lets through a false pair in at most
    # ~5% of shops, so more than one shop with any pair would mean the control is broken.
    flagged = []
    for seed in range(6):
        lines = shop_lines(seed)
        ws = workspace_from_tables(order_lines=lines)
        pairs = bought_together(kept_lines(ws), min_baskets=10)
        ws.close()
        assert pairs.tests == 435
        flagged.append(len(pairs.associated))
    assert sum(1 for f in flagged if f) <= 1, flagged


def test_category_level_and_min_baskets():
    lines = kept_lines(shop(1, planted=True))
    categories = bought_together(lines, level="category", min_baskets=5)
    assert set(categories.pairs["a"]) | set(categories.pairs["b"]) <= {f"Category {c}" for c in "ABCDE"}
    assert (categories.pairs["a_name"] == categories.pairs["a"]).all()
    strict = bought_together(lines, min_baskets=10_000)
    assert strict.pairs.empty and strict.tests == 0
    with pytest.raises(ValueError):
        bought_together(lines, min_baskets=0)
