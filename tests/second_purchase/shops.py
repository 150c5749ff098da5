"""Simulated one-time-buyer shops for the second-purchase tests: most customers buy once; a first order holds one
product of one of five categories, arrives on time or late, and comes through one of three channels. With
``planted``, customers whose first order was in Garden come back twice as often as the others (10% vs 5% within
90 days); without it, nothing about the first order changes the chance of a second one. The history ends ``days``
after the start: later second orders have not happened yet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.helpers import workspace_from_tables

START = pd.Timestamp("2023-01-01")
CATEGORIES = ["Garden", "Kitchen", "Toys", "Books", "Lamps"]
CHANNELS = ["Email", "Organic Search", "Paid Social"]
BASE_RETURN = 0.05
PLANTED_RETURN = 0.10


def shop_lines(seed: int, planted: bool, customers: int = 5000, days: int = 700) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []

    def order(order_id, customer, at, category, channel, late):
        product = int(rng.integers(0, 4))
        promised = at + pd.Timedelta(days=5)
        rows.append(dict(order_id=order_id, customer_id=customer, email=f"{customer}@example.com",
                         ordered_at=at, product_id=f"{category[:3].upper()}-{product}",
                         product_name=f"{category} item {product}", category=category, quantity=1,
                         unit_price=str(round(float(rng.uniform(10, 120)), 2)), channel=channel,
                         promised_at=promised, delivered_at=promised + pd.Timedelta(days=3 if late else -1)))

    for c in range(customers):
        customer = f"c{c:05d}"
        first_at = START + pd.Timedelta(days=int(rng.integers(0, days)), hours=11)
        category = CATEGORIES[int(rng.integers(0, len(CATEGORIES)))]
        channel = CHANNELS[int(rng.integers(0, len(CHANNELS)))]
        order(f"{customer}-1", customer, first_at, category, channel, late=rng.random() < 0.15)
        within = PLANTED_RETURN if planted and category == "Garden" else BASE_RETURN
        draw = rng.random()
        if draw < within:                       # back within 90 days
            gap = int(rng.integers(3, 91))
        elif draw < within + 0.02:              # back later in the year
            gap = int(rng.integers(91, 366))
        else:
            continue
        order(f"{customer}-2", customer, first_at + pd.Timedelta(days=gap), CATEGORIES[int(rng.integers(0, 5))],
              channel, late=False)
    lines = pd.DataFrame(rows)
    return lines[lines["ordered_at"] < START + pd.Timedelta(days=days)].reset_index(drop=True)   # the data ends


def shop(seed: int, planted: bool, **kwargs):
    return workspace_from_tables(order_lines=shop_lines(seed, planted, **kwargs))
