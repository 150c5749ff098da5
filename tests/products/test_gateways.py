"""Products that bring customers back: a planted gateway found, none in an independent shop, small cohorts said."""

import pandas as pd
import pytest
from scipy import stats

from insights.core.intervals import fisher_p, two_proportion_p

from insights.products.gateways import SMALL_COHORT, first_orders, gateways
from insights.products.lines import history_end, kept_lines
from tests.helpers import workspace_from_tables
from tests.products.shops import shop


def found(ws):
    return gateways(kept_lines(ws), history_end(ws))


def test_planted_gateway_found_and_ranked_first():
    result = found(shop(2, planted=True))
    assert list(result.found["product"]) == ["P05"]
    top = result.items.iloc[0]
    assert top["product"] == "P05" and top["name"] == "Product 05"
    assert top["ci_low"] > result.average and top["vs_average"] > 1.5 and top["extra_repeat"] > 10


@pytest.mark.parametrize("seed", [3, 4])
def test_independent_shop_has_no_gateway(seed):
    result = found(shop(seed))
    assert result.found.empty
    assert 0.25 < result.average < 0.45                  # the simulated base rate (0.35)


def test_window_late_customers_first_month_and_small_cohorts():
    lines = [   # z's first order is in the data's first month (December 2023): z may have bought before
        dict(order_id="z1", customer_id="z", ordered_at="2023-12-20", product_id="K", quantity=1, unit_price=1),
        dict(order_id="z2", customer_id="z", ordered_at="2024-01-05", product_id="K", quantity=1, unit_price=1),
        dict(order_id="a1", customer_id="a", ordered_at="2024-01-01", product_id="K", quantity=1, unit_price=1),
        dict(order_id="a2", customer_id="a", ordered_at="2024-03-01", product_id="Z", quantity=1, unit_price=1),
        dict(order_id="b1", customer_id="b", ordered_at="2024-01-01", product_id="K", quantity=1, unit_price=1),
        dict(order_id="b2", customer_id="b", ordered_at="2024-06-01", product_id="K", quantity=1, unit_price=1),
        dict(order_id="c1", customer_id="c", ordered_at="2024-05-20", product_id="K", quantity=1, unit_price=1),
    ]
    ws = workspace_from_tables(order_lines=lines)
    kept = kept_lines(ws)
    first = first_orders(kept, pd.Timestamp("2024-06-02"))
    assert dict(zip(first["customer_id"], first["repeat"])) == {"z": True, "a": True, "b": False}   # c: too late
    assert dict(zip(first["customer_id"], first["before_data"])) == {"z": True, "a": False, "b": False}
    result = gateways(kept, pd.Timestamp("2024-06-02"))
    row = result.items.iloc[0]
    assert (row["customers"], row["repeat_customers"], result.customers, result.before_data) == (2, 1, 2, 1)
    assert row["small"] and pd.isna(row["p_value"]) and not row["gateway"] and 2 < SMALL_COHORT
    # the month is the whole shop's: with only a and b's lines and the shop's start given, nobody else is left out
    only_ab = gateways(kept[kept["customer_id"].isin(["a", "b"])], pd.Timestamp("2024-06-02"),
                       start=pd.Timestamp("2023-12-20"))
    assert (only_ab.customers, only_ab.before_data) == (2, 0)
    ws.close()


def test_gateways_use_fisher_exact_test_with_holm():
    """Rare second orders: 3 of 40 first orders with P1 came back against 0 of 400 without. The z-test's normal
    tail says p ≈ 4e-8; Fisher's exact test says p ≈ 0.0007 — what the gateway table must report."""
    lines = []
    for i in range(440):
        product = "P1" if i < 40 else "P2"
        lines.append(dict(order_id=f"o{i}", customer_id=f"c{i}", ordered_at="2024-02-01", product_id=product,
                          quantity=1, unit_price=1))
        if i < 3:
            lines.append(dict(order_id=f"r{i}", customer_id=f"c{i}", ordered_at="2024-03-01", product_id="P2",
                              quantity=1, unit_price=1))
    ws = workspace_from_tables(order_lines=[dict(order_id="early", customer_id="old", ordered_at="2024-01-02",
                                                 product_id="P2", quantity=1, unit_price=1)] + lines)
    result = gateways(kept_lines(ws), pd.Timestamp("2024-12-31"))
    ws.close()
    p1 = result.items.set_index("product").loc["P1"]
    assert p1["p_value"] == pytest.approx(fisher_p(3, 40, 0, 400))
    assert p1["p_value"] == pytest.approx(stats.fisher_exact([[3, 37], [0, 400]])[1])
    assert p1["p_value"] > 10 * two_proportion_p(3, 40, 0, 400)
    assert result.before_data == 1 and result.customers == 440
