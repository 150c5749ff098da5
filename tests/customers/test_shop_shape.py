"""The one-time-buyer sentence appears exactly when most customers bought once; empty RFM segments say why."""

import pandas as pd

from insights.customers import segments
from insights.customers.shop_shape import (ONE_TIME_SHOP_SHARE, empty_segments_reason, one_time_buyer_sentence,
                                           shop_shape)
from tests.helpers import workspace_from_tables


def _lines(orders_per_customer: list[int]) -> list[dict]:
    rows = []
    for c, orders in enumerate(orders_per_customer):
        for k in range(orders):
            rows.append(dict(order_id=f"o{c}-{k}", customer_id=f"c{c}", quantity=1, unit_price="10",
                             ordered_at=pd.Timestamp("2024-01-01") + pd.Timedelta(days=3 * c + 30 * k)))
    return rows


def test_a_shop_where_nine_in_ten_bought_once_is_called_one_time_buyer_shop():
    ws = workspace_from_tables(order_lines=_lines([1] * 9 + [2]))
    shape = shop_shape(ws)
    assert (shape.customers, shape.one_time_buyers) == (10, 9) and shape.one_time_shop
    assert one_time_buyer_sentence(shape).startswith("This is a one-time-buyer shop: 90.0% of your 10 customers")
    assert "second-purchase view" in one_time_buyer_sentence(shape)
    ws.close()


def test_a_shop_of_regulars_gets_no_sentence():
    ws = workspace_from_tables(order_lines=_lines([1] * 6 + [2] * 4))
    shape = shop_shape(ws)
    assert shape.one_time_share == 0.6 < ONE_TIME_SHOP_SHARE
    assert one_time_buyer_sentence(shape) is None
    ws.close()


def test_same_day_orders_are_one_purchase():
    rows = _lines([1, 1]) + [dict(order_id="o0-extra", customer_id="c0", quantity=1, unit_price="5",
                                  ordered_at=pd.Timestamp("2024-01-01 18:00"))]
    ws = workspace_from_tables(order_lines=rows)
    assert shop_shape(ws).one_time_buyers == 2
    ws.close()


def test_empty_segments_say_every_customer_has_the_same_frequency():
    ws = workspace_from_tables(order_lines=_lines([1] * 8))
    rfm = segments.rfm_table(ws)
    summary = segments.segment_summary(rfm)
    empty = summary.loc[summary["customers"] == 0, "segment"].tolist()
    assert empty
    reason = empty_segments_reason(rfm, empty)
    assert "every customer has the same frequency (1 order each)" in reason and empty[0] in reason
    assert empty_segments_reason(rfm, []) is None
    ws.close()
