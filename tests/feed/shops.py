"""A simulator of shops, with or without a planted story, straight into canonical tables (no file parsing).

Orders arrive each day at a rate with a weekday pattern, a linear trend and day-to-day swings (a Poisson count
around a gamma-distributed rate); each order has 1–3 lines from 5 categories of 8 products with fixed prices,
a channel, a country and a customer: new with probability 0.35, else one who bought before — a customer who
arrived an exponential gap (mean :data:`REPEAT_GAP_DAYS`) earlier, so that how often a customer comes back
does not depend on when they arrived (the same in every cohort: no story). Web visits (4 per order, on mobile,
desktop or tablet) view 1–3 products of one category, add one to the cart in 10 % of visits; 60 % of carts go to
checkout and 70 % of checkouts to a purchase. With ``feedback``, 30 % of orders get an NPS answer five days
later, its score and comment drawn independently of everything else.

Stories (in the month ``story_month`` where they have one):
- ``stockout``: one category (``STOCKOUT_CATEGORY``) cannot be bought — its order lines vanish, an order left
  with no line is not placed, its add-to-carts stop — while its product views go on;
- ``demand_drop``: visits from one channel (``DROP_CHANNEL``, 35 % of visits) fall by 90 %, and its orders with them;
- ``late_feedback``: a quarter of orders arrive late; answers about them score 0–4 with a comment about the late
  parcel, and their customers (nearly) never come back afterwards;
- ``mobile_checkout``: on mobile only 25 % of checkouts end in a purchase (70 % elsewhere);
- ``checkout_outage``: in ``story_month`` only 30 % of checkouts end in a purchase, on every device (the orders
  file is not touched: only the web conversion shows it);
- ``better_cohort``: half the customers who first buy from ``GOOD_COHORT_START`` on buy again about 20 days later.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq

import numpy as np
import pandas as pd

from tests.helpers import workspace_from_tables

CATEGORIES = ("Garden Tools", "Kitchen", "Textiles", "Lighting", "Plants")
CHANNELS = ("Organic Search", "Paid Social", "Email", "Referral")
CHANNEL_SHARES = (0.30, 0.35, 0.20, 0.15)
COUNTRIES = ("DE", "AT", "NL")
DEVICES = ("mobile", "desktop", "tablet")
DEVICE_SHARES = (0.5, 0.4, 0.1)
STOCKOUT_CATEGORY = "Garden Tools"
DROP_CHANNEL = "Paid Social"
DROP_SHARE = 0.9                 # the share of its visits (and orders) the channel loses
START = dt.date(2024, 1, 1)
DAYS = 425                       # to 2025-02-28
STORY_MONTH = (2024, 10)
GOOD_COHORT_START = dt.date(2024, 9, 1)
REPEAT_GAP_DAYS = 30
LATE_SHARE = 0.25
HAPPY = ("Lovely products, will order again.", "Great quality and a fair price.", "Exactly as described, thanks.",
         "Friendly service when I had a question.", "Beautiful packaging, very happy with my order.",
         "Good value for money, highly recommended.", "The size chart could be clearer.",
         "Colour a bit different from the photo.", "Website was slow but the product is fine.")
LATE = ("Delivery was {d} days late.", "The parcel came {d} days after the promised date.",
        "Late delivery again, {d} days of waiting.", "Still waiting, the delivery is {d} days late.")
NPS_SCORES = np.arange(11)
NPS_WEIGHTS = np.array([1, 1, 1, 2, 2, 4, 6, 10, 16, 20, 17], dtype=float) / 80


def _labels(codes: np.ndarray, names) -> pd.Categorical:
    """Text values given as codes into ``names`` (a categorical: each distinct text built once, not per row)."""
    return pd.Categorical.from_codes(np.asarray(codes), categories=list(names))


def _in_month(days: np.ndarray, month: tuple[int, int]) -> np.ndarray:
    first = (dt.date(*month, 1) - START).days
    last = (dt.date(month[0] + month[1] // 12, month[1] % 12 + 1, 1) - START).days
    return (days >= first) & (days < last)


def _customers(rng, order_day: np.ndarray, story: str | None, late: np.ndarray, new_per_day: float) -> np.ndarray:
    """The customer number of each order (see the module docstring). A repeat order looks back an exponential
    gap and takes the customer who arrived nearest after the moment it lands on, accepted with that customer's
    weight (redrawn up to 12 times); an order whose look-back lands more than a year before the first day is a
    new customer's. Customers who arrived in the year before the data (``new_per_day`` a day) come back too:
    their first order is not in the data. So a customer's chance to come back depends on the time since they
    arrived, never on when that was, and new customers arrive at a steady rate from the first day.

    ``better_cohort``: half the customers who arrive from :data:`GOOD_COHORT_START` on are promised a second
    order about 20 days later: the first repeat order placed after that day is theirs (the number of orders
    does not change, only who places them)."""
    n = len(order_day)
    is_new = (rng.random(n) < 0.35).tolist()
    tries = 12
    lookback, accept = rng.exponential(REPEAT_GAP_DAYS, size=(n, tries)).tolist(), rng.random((n, tries)).tolist()
    promised, promise_delay = (rng.random(n) < 0.5).tolist(), rng.exponential(20, size=n).tolist()
    good_day = (GOOD_COHORT_START - START).days
    arrived: list[float] = np.sort(rng.uniform(-365, 0, size=rng.poisson(new_per_day * 365))).tolist()
    weight = [1.0] * (len(arrived) + 1)            # by customer number (0 unused); customer k + 1 arrived[k]
    day_start = np.searchsorted(order_day, order_day)              # spread each day's orders over the day
    day_size = np.searchsorted(order_day, order_day, side="right") - day_start
    moment = (order_day + (np.arange(n) - day_start) / day_size).tolist()
    late_list = late.tolist()
    waiting: list[tuple[float, int]] = []          # (from when, customer) promised a second order
    chosen_list = [0] * n
    for i in range(n):
        chosen = 0
        if not is_new[i]:
            if waiting and waiting[0][0] <= moment[i]:
                chosen = heapq.heappop(waiting)[1]
            else:
                for t in range(tries):
                    target = moment[i] - lookback[i][t]
                    if target < -365:
                        chosen = 0
                        break
                    chosen = min(bisect.bisect_left(arrived, target), len(arrived) - 1) + 1
                    if accept[i][t] < weight[chosen]:
                        break
        if chosen == 0:
            arrived.append(moment[i])
            weight.append(1.0)
            chosen = len(weight) - 1
            if story == "better_cohort" and moment[i] >= good_day and promised[i]:
                heapq.heappush(waiting, (moment[i] + promise_delay[i], chosen))
        chosen_list[i] = chosen
        if story == "late_feedback" and late_list[i]:
            weight[chosen] = 0.0
    return np.array(chosen_list, dtype=np.int64)


def simulate(seed: int, story: str | None = None, events: bool = False, story_month=STORY_MONTH,
             orders_per_day: float | None = None, feedback: bool = False) -> dict:
    """Canonical frames {order_lines, events, feedback} of one shop (``orders_per_day`` at the start; default:
    drawn between 8 and 25)."""
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
    late = rng.random(n) < (LATE_SHARE if story == "late_feedback" else 0.0)
    customer = _customers(rng, order_day, story, late, 0.35 * base)
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
    quantity = rng.integers(1, 4, size=len(line_order))
    country = rng.choice(COUNTRIES, size=len(line_order), p=(0.6, 0.25, 0.15))
    buyers, buyer_code = np.unique(customer[line_order], return_inverse=True)
    product_code = category * 8 + product
    lines = pd.DataFrame({                  # text columns as categories: the same values, built once each
        "order_id": _labels(line_order, [f"O{seed}-{i:06d}" for i in range(n)]),
        "customer_id": _labels(buyer_code, [f"C{seed}-{c:05d}" for c in buyers]),
        "ordered_at": ordered_at,
        "product_id": _labels(product_code, [f"SKU-{c}{p}" for c in range(len(CATEGORIES)) for p in range(8)]),
        "product_name": _labels(product_code, [f"{name} item {p}" for name in CATEGORIES for p in range(8)]),
        "category": _labels(category, CATEGORIES),
        "quantity": quantity,
        "unit_price": prices[category, product],
        "currency": "EUR",
        "channel": _labels(channel[line_order], CHANNELS),
        "country": pd.Categorical(country, categories=COUNTRIES),
    })
    lines["revenue"] = (lines["quantity"] * lines["unit_price"]).round(4)
    if story == "late_feedback":
        promised = ordered_at.normalize() + pd.Timedelta(days=4)
        delay = np.where(late[line_order], rng.integers(2, 9, size=len(line_order)), -1)
        lines["promised_at"] = promised
        lines["delivered_at"] = promised + pd.to_timedelta(delay, unit="D")
    out = {"order_lines": lines, "events": pd.DataFrame(), "feedback": pd.DataFrame()}
    if events:
        out["events"] = _events(rng, counts, story, story_month, popularity)
    if feedback:
        out["feedback"] = _feedback(rng, seed, order_day, seconds, customer, late, story)
    return out


def _feedback(rng, seed, order_day, seconds, customer, late, story) -> pd.DataFrame:
    """An NPS answer five days after 30 % of orders; with ``late_feedback`` the late orders' answers complain."""
    asked = np.flatnonzero(rng.random(len(order_day)) < 0.3)
    scores = rng.choice(NPS_SCORES, size=len(asked), p=NPS_WEIGHTS)
    texts = np.array(HAPPY)[rng.integers(len(HAPPY), size=len(asked))].astype(object)
    complaining = late[asked]
    if story == "late_feedback":
        scores = np.where(complaining, rng.integers(0, 5, size=len(asked)), scores)
        written = [LATE[k].format(d=d) for k, d in zip(rng.integers(len(LATE), size=len(asked)),
                                                        rng.integers(2, 9, size=len(asked)))]
        texts = np.where(complaining, np.array(written, dtype=object), texts)
    at = (pd.Timestamp(START) + pd.to_timedelta(order_day[asked] + 5, unit="D")
          + pd.to_timedelta(seconds[asked], unit="s"))
    keep = at < pd.Timestamp(START) + pd.Timedelta(days=DAYS)
    return pd.DataFrame({"feedback_id": np.arange(len(asked)), "customer_id": [f"C{seed}-{c:05d}" for c in customer[asked]],
                         "submitted_at": at, "kind": "nps", "score": scores.astype(float), "text": texts,
                         "order_id": [f"O{seed}-{i:06d}" for i in asked]})[keep].reset_index(drop=True)


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
    device = rng.choice(len(DEVICES), size=v, p=DEVICE_SHARES)
    views = rng.integers(1, 4, size=v)
    carted = rng.random(v) < 0.10
    if story == "stockout":
        carted &= ~(_in_month(visit_day, story_month) & (category == CATEGORIES.index(STOCKOUT_CATEGORY)))
    checkout = carted & (rng.random(v) < 0.6)
    buy_rate = np.where((device == DEVICES.index("mobile")) & (story == "mobile_checkout"), 0.25, 0.7)
    if story == "checkout_outage":
        buy_rate = np.where(_in_month(visit_day, story_month), 0.3, buy_rate)
    bought = checkout & (rng.random(v) < buy_rate)
    steps = views + carted + checkout + bought
    visit = np.repeat(np.arange(v), steps)
    step = np.arange(len(visit)) - np.repeat(np.cumsum(steps) - steps, steps)
    after = step - views[visit]            # 0: cart, 1: checkout, 2: purchase; negative: a view
    step_code = np.select([after == 0, after == 1, after == 2], [1, 2, 3], 0)
    pages = len(CATEGORIES) * 8
    page_code = np.where(after == 1, pages, np.where(after == 2, pages + 1, (category * 8 + product)[visit]))
    at = (pd.Timestamp(START) + pd.to_timedelta(visit_day[visit], unit="D")
          + pd.to_timedelta(rng.integers(8 * 3600, 22 * 3600, size=v)[visit] + 60 * step, unit="s"))
    return pd.DataFrame({
        "event_id": np.arange(1, len(visit) + 1),
        "session_id": _labels(visit, [f"S{i}" for i in range(v)]),
        "event_at": at,
        "event_type": _labels(step_code, ("view", "cart", "checkout", "purchase")),
        "event_name": _labels(step_code, ("page_view", "add_to_cart", "begin_checkout", "purchase")),
        "page": _labels(page_code, [f"/products/sku-{c}{p}" for c in range(len(CATEGORIES)) for p in range(8)]
                        + ["/checkout", "/checkout/thank-you"]),
        "channel": _labels(channel[visit], CHANNELS),
        "device": _labels(device[visit], DEVICES),
    })


def simulated_workspace(seed: int, story: str | None = None, events: bool = False,
                        orders_per_day: float | None = None, feedback: bool = False):
    frames = simulate(seed, story, events, orders_per_day=orders_per_day, feedback=feedback)
    return workspace_from_tables(order_lines=frames["order_lines"], events=frames["events"],
                                 feedback=frames["feedback"])
