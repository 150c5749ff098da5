"""Products that bring customers back: a planted gateway found, none in an independent shop, small cohorts said."""

import pandas as pd
import pytest

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


def test_window_late_customers_and_small_cohorts():
    lines = [
        dict(order_id="a1", customer_id="a", ordered_at="2024-01-01", product_id="K", quantity=1, unit_price=1),
        dict(order_id="a2", customer_id="a", ordered_at="2024-03-01", product_id="Z", quantity=1, unit_price=1),
        dict(order_id="b1", customer_id="b", ordered_at="2024-01-01", product_id="K", quantity=1, unit_price=1),
        dict(order_id="b2", customer_id="b", ordered_at="2024-06-01", product_id="K", quantity=1, unit_price=1),
        dict(order_id="c1", customer_id="c", ordered_at="2024-05-20", product_id="K", quantity=1, unit_price=1),
    ]
    ws = workspace_from_tables(order_lines=lines)
    kept = kept_lines(ws)
    first = first_orders(kept, pd.Timestamp("2024-06-02"))
    assert dict(zip(first["customer_id"], first["repeat"])) == {"a": True, "b": False}   # b: 152 days; c: too late
    result = gateways(kept, pd.Timestamp("2024-06-02"))
    row = result.items.iloc[0]
    assert (row["customers"], row["repeat_customers"]) == (2, 1)
    assert row["small"] and pd.isna(row["p_value"]) and not row["gateway"] and 2 < SMALL_COHORT
    ws.close()
