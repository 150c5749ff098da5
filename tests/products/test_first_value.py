"""Value after one year by first product: worked out by hand, a planted gateway's customers worth more, an
independent shop with no product above the bar."""

import pandas as pd
import pytest

from insights.products.first_value import first_year_value, purchase_days
from insights.products.lines import kept_lines
from tests.helpers import workspace_from_tables
from tests.products.shops import shop

END = pd.Timestamp("2025-12-31")        # every simulated first order is a year old by then


def test_by_hand_the_year_after_the_first_order():
    lines = [
        dict(order_id="a1", customer_id="a", ordered_at="2024-01-05", product_id="K", quantity=2, unit_price="10"),
        dict(order_id="a2", customer_id="a", ordered_at="2024-06-01", product_id="Z", quantity=1, unit_price="5"),
        dict(order_id="a3", customer_id="a", ordered_at="2025-02-01", product_id="Z", quantity=1, unit_price="99"),
        dict(order_id="b1", customer_id="b", ordered_at="2024-02-01", product_id="L", quantity=1, unit_price="8"),
        dict(order_id="c1", customer_id="c", ordered_at="2025-06-01", product_id="K", quantity=1, unit_price="1"),
    ]
    ws = workspace_from_tables(order_lines=lines)
    result = first_year_value(kept_lines(ws), purchase_days(ws), pd.Timestamp("2025-03-01"))
    assert result.customers == 2 and result.average == pytest.approx((5 + 0) / 2)    # c is too recent
    k = result.items.set_index("product").loc["K"]
    assert (k["customers"], k["value"]) == (1, 5.0)      # the first order (20) is not counted; the 99 is too late
    assert k["small"] and pd.isna(k["p_value"]) and not k["better"]
    ws.close()


def test_planted_gateway_customers_are_worth_more_and_independent_shop_has_none():
    planted = shop(2, planted=True)
    result = first_year_value(kept_lines(planted), purchase_days(planted), END)
    assert list(result.found["product"]) == ["P05"]
    top = result.items.iloc[0]
    assert top["vs_average"] > 1.2 and top["ci_low"] > result.average and top["extra_value"] > 0
    planted.close()
    plain = shop(3)
    assert first_year_value(kept_lines(plain), purchase_days(plain), END).found.empty
    plain.close()
