"""Simulated shops for the product room's tests: products put in baskets independently (each with its own
probability), optionally with a planted cross-sell (P02 follows P01), a planted gateway (customers whose first
order holds P05 come back far more often) and a planted triple (`triple_shop`: P09 joins orders with P07 and P08)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.helpers import workspace_from_tables

START = pd.Timestamp("2024-01-01")


def shop_lines(seed: int, planted: bool = False, customers: int = 800, products: int = 30,
               base_repeat: float = 0.35) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    probability = rng.uniform(0.03, 0.2, products)
    rows = []

    def basket(order_id, customer, at, first=False):
        chosen = np.flatnonzero(rng.random(products) < probability)
        if len(chosen) == 0:
            chosen = np.array([rng.integers(products)])
        if planted and 0 in chosen and rng.random() < 0.7:
            chosen = np.union1d(chosen, [1])
        for p in chosen:
            rows.append(dict(order_id=order_id, customer_id=customer, ordered_at=at, product_id=f"P{p + 1:02d}",
                             product_name=f"Product {p + 1:02d}", category=f"Category {'ABCDE'[p % 5]}",
                             quantity=1, unit_price="10"))
        return chosen

    for c in range(customers):
        customer = f"c{c:04d}"
        first_at = START + pd.Timedelta(days=int(rng.integers(0, 240)), hours=10)
        chosen = basket(f"{customer}-1", customer, first_at, first=True)
        repeat = 0.8 if planted and 4 in chosen else base_repeat
        if rng.random() < repeat:
            basket(f"{customer}-2", customer, first_at + pd.Timedelta(days=int(rng.integers(1, 90))))
    return pd.DataFrame(rows)


def triple_shop(seed: int) -> pd.DataFrame:
    """The shop with its planted pair (P01 → P02) plus a planted triple: orders with both P07 and P08 (a fifth
    of orders get both) add P09 four times in five."""
    lines = shop_lines(seed, planted=True, customers=1200)
    rng = np.random.default_rng(seed + 100)
    orders = lines["order_id"].unique()
    extra = []
    for order in orders[rng.random(len(orders)) < 0.2]:
        template = lines[lines["order_id"] == order].iloc[0].to_dict()
        chosen = ["P07", "P08"] + (["P09"] if rng.random() < 0.8 else [])
        extra += [dict(template, product_id=p, product_name=f"Product {p[1:]}") for p in chosen]
    both = pd.concat([lines, pd.DataFrame(extra)]).drop_duplicates(["order_id", "product_id"])
    return both


def shop(seed: int, planted: bool = False, **kwargs):
    return workspace_from_tables(order_lines=shop_lines(seed, planted, **kwargs))
