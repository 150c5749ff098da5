"""Customer groups and next-order dates say in words when they do not describe the shop: a one-time-buyer shop
(80% or more bought once), or too few repeat buyers for a usual gap."""

from insights.customers.clusters import clusters_apply
from insights.customers.next_order import MIN_REPEAT_BUYERS, next_orders_apply
from insights.customers.shop_shape import ShopShape


def test_one_time_buyer_shop_gets_neither_groups_nor_next_order_dates():
    shape = ShopShape(customers=1500, one_time_buyers=1460)
    groups, dates = clusters_apply(shape), next_orders_apply(shape)
    assert not groups.applies and not dates.applies
    assert groups.reason.startswith("Customer groups do not apply here: 97.3% of your 1,500 customers have bought "
                                    "once") and "when they bought and how much they spent" in groups.reason
    assert dates.reason.startswith("Next-order dates do not apply here: 97.3% of your 1,500 customers") and \
        "only 40 have a buying rhythm of their own" in dates.reason
    assert "second-purchase view" in groups.instead and groups.instead == dates.instead
    assert groups.as_dict()["numbers"] == {"customers": 1500, "one_time_buyers": 1460, "repeat_buyers": 40,
                                           "one_time_share": 0.9733, "one_time_shop_from": 0.8}


def test_a_repeat_shop_gets_both_and_too_few_repeat_buyers_no_dates():
    shape = ShopShape(customers=1000, one_time_buyers=600)
    assert clusters_apply(shape).applies and next_orders_apply(shape).applies
    assert clusters_apply(shape).reason is None
    small = ShopShape(customers=60, one_time_buyers=60 - (MIN_REPEAT_BUYERS - 1))
    verdict = next_orders_apply(small)
    assert clusters_apply(small).applies and not verdict.applies
    assert verdict.reason == ("Next-order dates do not apply yet: only 29 of your 60 customers have bought twice or "
                              "more, too few to know the shop's usual gap between orders.")
