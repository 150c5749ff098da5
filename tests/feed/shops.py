"""A simulator of shops, with or without a planted story, straight into canonical tables (no file parsing).

Orders arrive each day at a rate with a weekday pattern, a linear trend and day-to-day swings (a Poisson count
around a gamma-distributed rate); each order has 1–3 lines from 5 categories of 8 products with fixed prices,
a channel, a country and a customer (new with probability 0.35, else one who bought before). Web visits
(4 per order) view 1–3 products of one category and add one to the cart in 10 % of visits.

Stories, in the month ``story_month``:
- ``stockout``: one category (``STOCKOUT_CATEGORY``) cannot be bought — its order lines vanish, an order left
  with no line is not placed, its add-to-carts stop — while its product views go on;
- ``demand_drop``: visits from one channel (``DROP_CHANNEL``, 35 % of visits) fall by 90 %, and its orders with them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tests.helpers import workspace_from_tables

CATEGORIES = ("Garden Tools", "Kitchen", "Textiles", "Lighting", "Plants")
CHANNELS = ("Organic Search", "Paid Social", "Email", "Referral")
CHANNEL_SHARES = (0.30, 0.35, 0.20, 0.15)
COUNTRIES = ("DE", "AT", "NL")
STOCKOUT_CATEGORY = "Garden Tools"
DROP_CHANNEL = "Paid Social"
DROP_SHARE = 0.9                 # the share of its visits (and orders) the channel loses
START = dt.date(2024, 1, 1)
DAYS = 425                       # to 2025-02-28
STORY_MONTH = (2024, 10)


def _in_month(days: np.ndarray, month: tuple[int, int]) -> np.ndarray:
    first = (dt.date(*month, 1) - START).days
    last = (dt.date(month[0] + month[1] // 12, month[1] % 12 + 1, 1) - START).days
    return (days >= first) & (days < last)


def simulate(seed: int, story: str | None = None, events: bool = False, story_month=STORY_MONTH,
             orders_per_day: float | None = None) -> dict:
    """Canonical frames {order_lines, events} of one shop (``orders_per_day`` at the start; default: drawn
    between 8 and 25)."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(8, 25)
    base = orders_per_day or base
    trend = rng.uniform(-0.2, 0.5)                      # per year
    weekday = rng.uniform(0.7, 1.3, size=7)
    weekday /= weekday.mean()
    day = np.arange(DAYS)
    weekdays = np.array([(START + dt.timedelta(days=int(d))).weekday() for d in day])
    rate = base * weekday[weekdays] * (1 + trend * day / 365.25) * rng.gamma(40, 1 / 40, size=DAYS)
    counts = rng.poisson(rate)
    order_day = np.repeat(day, counts)
    n = len(order_day)
    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_SHARES)
    keep = np.ones(n, dtype=bool)
    if story == "demand_drop":
        keep &= ~(_in_month(order_day, story_month) & (channel == CHANNELS.index(DROP_CHANNEL))
                  & (rng.random(n) < DROP_SHARE))
    order_day, channel = order_day[keep], channel[keep]
    n = len(order_day)
    is_new = rng.random(n) < 0.35
    is_new[0] = True
    new_so_far = np.cumsum(is_new)
    customer = np.where(is_new, new_so_far, np.floor(rng.random(n) * new_so_far).astype(int) + 1)
    seconds = rng.integers(8 * 3600, 22 * 3600, size=n)
    popularity = rng.dirichlet(np.full(len(CATEGORIES), 8.0))
    if story == "stockout":         # the stock-out hits the best seller
        popularity = np.array([0.35, 0.2, 0.15, 0.15, 0.15])
    prices = rng.lognormal(np.log(25), 0.6, size=(len(CATEGORIES), 8)).round(2)
    lines_per_order = rng.geometric(0.6, size=n).clip(max=3)
    line_order = np.repeat(np.arange(n), lines_per_order)
    category = rng.choice(len(CATEGORIES), size=len(line_order), p=popularity)
    product = rng.integers(0, 8, size=len(line_order))
    line_keep = np.ones(len(line_order), dtype=bool)
    if story == "stockout":
        line_keep &= ~(_in_month(order_day[line_order], story_month) & (category == CATEGORIES.index(STOCKOUT_CATEGORY)))
    line_order, category, product = line_order[line_keep], category[line_keep], product[line_keep]
    ordered_at = (pd.Timestamp(START) + pd.to_timedelta(order_day[line_order], unit="D")
                  + pd.to_timedelta(seconds[line_order], unit="s"))
    lines = pd.DataFrame({
        "order_id": [f"O{seed}-{i:06d}" for i in line_order],
        "customer_id": [f"C{seed}-{c:05d}" for c in customer[line_order]],
        "ordered_at": ordered_at,
        "product_id": [f"SKU-{c}{p}" for c, p in zip(category, product)],
        "product_name": [f"{CATEGORIES[c]} item {p}" for c, p in zip(category, product)],
        "category": [CATEGORIES[c] for c in category],
        "quantity": rng.integers(1, 4, size=len(line_order)),
        "unit_price": prices[category, product],
        "currency": "EUR",
        "channel": [CHANNELS[c] for c in channel[line_order]],
        "country": rng.choice(COUNTRIES, size=len(line_order), p=(0.6, 0.25, 0.15)),
    })
    lines["revenue"] = (lines["quantity"] * lines["unit_price"]).round(4)
    out = {"order_lines": lines, "events": pd.DataFrame()}
    if events:
        out["events"] = _events(rng, counts, story, story_month, popularity)
    return out


def _events(rng, counts, story, story_month, popularity) -> pd.DataFrame:
    visits_per_day = rng.poisson(counts * 4)
    visit_day = np.repeat(np.arange(DAYS), visits_per_day)
    channel = rng.choice(len(CHANNELS), size=len(visit_day), p=CHANNEL_SHARES)
    keep = np.ones(len(visit_day), dtype=bool)
    if story == "demand_drop":
        keep &= ~(_in_month(visit_day, story_month) & (channel == CHANNELS.index(DROP_CHANNEL))
                  & (rng.random(len(visit_day)) < DROP_SHARE))
    visit_day, channel = visit_day[keep], channel[keep]
    v = len(visit_day)
    category = rng.choice(len(CATEGORIES), size=v, p=popularity)
    product = rng.integers(0, 8, size=v)
    views = rng.integers(1, 4, size=v)
    carted = rng.random(v) < 0.10
    if story == "stockout":
        carted &= ~(_in_month(visit_day, story_month) & (category == CATEGORIES.index(STOCKOUT_CATEGORY)))
    steps = views + carted
    visit = np.repeat(np.arange(v), steps)
    step = np.arange(len(visit)) - np.repeat(np.cumsum(steps) - steps, steps)
    is_cart = step >= views[visit]
    at = (pd.Timestamp(START) + pd.to_timedelta(visit_day[visit], unit="D")
          + pd.to_timedelta(rng.integers(8 * 3600, 22 * 3600, size=v)[visit] + 60 * step, unit="s"))
    return pd.DataFrame({
        "event_id": np.arange(1, len(visit) + 1),
        "session_id": [f"S{i}" for i in visit],
        "event_at": at,
        "event_type": np.where(is_cart, "cart", "view"),
        "event_name": np.where(is_cart, "add_to_cart", "page_view"),
        "page": [f"/products/sku-{category[i]}{product[i]}" for i in visit],
        "channel": [CHANNELS[c] for c in channel[visit]],
        "device": "mobile",
    })


def simulated_workspace(seed: int, story: str | None = None, events: bool = False,
                        orders_per_day: float | None = None):
    frames = simulate(seed, story, events, orders_per_day=orders_per_day)
    return workspace_from_tables(order_lines=frames["order_lines"], events=frames["events"])
