"""A simulated shop whose customers follow BG/NBD × Gamma-Gamma, written as real export files, with its truth.

    shop = simulate_shop(customers=20_000, seed=1)               # frames + truth, in about a second
    paths = shop.write(folder)                                   # orders.csv, customers.csv
    shop.truth                                                   # one row per customer: alive at the end, …

How a customer behaves (time in days, the shop observed over ``days`` days):

* acquired on a day uniform over the first ``acquisition_share`` of the period, through an acquisition channel;
  their first order is placed that day;
* while alive, orders arrive by a Poisson process with rate λ ~ Gamma(r, scale 1/α) per day (BG/NBD);
* after each repeat order the customer drops out with probability p ~ Beta(a, b) (BG/NBD: never after the first
  order) — **the planted driver**: an order delivered late (share ``late_share`` of orders) raises the dropout
  after it to ``1 − (1 − p)^late_dropout_factor`` (and to ``1 − (1 − p)^(factor − 1)`` after a first order);
  ``late_dropout_factor = 1`` plants nothing;
* each order's value is Gamma(p_spend, ν) with ν ~ Gamma(q, scale 1/γ) per customer (Gamma-Gamma) — **the
  planted channel**: customers of ``high_value_channel`` spend ``high_value_factor`` × as much per order;
* ``one_time_share`` of customers drop out right after their first order (a one-time-buyer shop; 0 = pure
  BG/NBD);
* a second planted driver, optional: a share ``damaged_share`` of orders arrives damaged, tagged ``damaged`` in a
  ``Tags`` column, and raises the dropout after it like a late order, by ``damaged_dropout_factor`` (1 = the tag is
  there but plants nothing; 0 share = no such tag and the same draws as without the option).

Files, shaped like a shop's own exports: ``orders.csv`` — one row per order line (Order ID, Order Date, Customer
ID, Customer Email, SKU, Product, Category, Quantity, Unit Price, Currency, Channel, Country, Status, Discount
Code, and the late mark as the ``driver_column`` says: ``flag`` a ``late_delivery`` true/false column,
``tags`` a ``Tags`` column with ``late delivery``, ``dates`` a Promised Date and a Delivered Date, empty when
the parcel had not arrived by the end); ``customers.csv`` — the CRM (Customer ID, First Name, Email, Country, Signup Date,
Acquisition Channel, Email Opt-In). Files go through :func:`insights.core.spreadsheet.write_table`.

The truth (:attr:`SimulatedShop.truth`): customer_id, channel, acquired_at, orders, late_orders,
last_order_late, alive (still alive at the end of the period), dropped_at, rate_per_day (λ), dropout (p),
mean_spend (expected value of one order); :attr:`SimulatedShop.params` holds the parameters drawn from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.core.spreadsheet import write_table

BGNBD_DAYS = {"r": 0.9, "alpha": 40.0, "a": 0.8, "b": 4.0}          # α in days: a mean gap of about 45 days
GAMMA_GAMMA = {"p": 6.0, "q": 4.0, "gamma": 24.0}                   # mean order value p·γ/(q − 1) = 48
CHANNELS = ("Organic Search", "Paid Social", "Email", "Referral", "Marketplace")
CHANNEL_SHARES = (0.3, 0.25, 0.2, 0.1, 0.15)
COUNTRIES = ("Germany", "Austria", "Netherlands", "France", "Belgium")
CATEGORIES = ("Garden", "Kitchen", "Textiles", "Lighting", "Plants & Seeds")
SALES_CHANNELS = ("Online Store", "Mobile App")
DRIVER_COLUMNS = ("flag", "tags", "dates")
PROMISED_DAYS = 4


@dataclass
class SimulatedShop:
    """What :func:`simulate_shop` returns: the two files' rows, the truth per customer, the parameters."""

    orders: pd.DataFrame
    customers: pd.DataFrame
    truth: pd.DataFrame
    params: dict
    start: pd.Timestamp
    end: pd.Timestamp                                  # the first day after the period
    notes: list[str] = field(default_factory=list)

    def write(self, folder) -> list[Path]:
        """Write ``orders.csv`` and ``customers.csv`` into ``folder`` (created); their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, frame in (("orders.csv", self.orders), ("customers.csv", self.customers)):
            path = folder / name
            path.write_bytes(write_table(frame, "csv"))
            paths.append(path)
        return paths


def simulate_shop(customers: int = 20_000, *, days: int = 540, seed: int = 1, bgnbd: dict | None = None,
                  gamma_gamma: dict | None = None, late_share: float = 0.15, late_dropout_factor: float = 3.0,
                  high_value_channel: str | None = "Referral", high_value_factor: float = 1.6,
                  one_time_share: float = 0.0, acquisition_share: float = 0.75, driver_column: str = "flag",
                  start: str = "2024-01-01", damaged_share: float = 0.0,
                  damaged_dropout_factor: float = 3.0) -> SimulatedShop:
    """Draw a shop (see the module docstring); seeded by ``seed``, deterministic."""
    if driver_column not in DRIVER_COLUMNS:
        raise ValueError(f"driver_column must be one of {DRIVER_COLUMNS}, got {driver_column!r}")
    if high_value_channel is not None and high_value_channel not in CHANNELS:
        raise ValueError(f"high_value_channel must be one of {CHANNELS}, got {high_value_channel!r}")
    bg = dict(BGNBD_DAYS, **(bgnbd or {}))
    gg = dict(GAMMA_GAMMA, **(gamma_gamma or {}))
    rng = np.random.default_rng(seed)
    n = int(customers)
    channel = rng.choice(len(CHANNELS), size=n, p=np.asarray(CHANNEL_SHARES) / sum(CHANNEL_SHARES))
    acquired = rng.uniform(0, days * acquisition_share, size=n)
    rate = rng.gamma(bg["r"], 1.0 / bg["alpha"], size=n)
    dropout = rng.beta(bg["a"], bg["b"], size=n)
    nu = rng.gamma(gg["q"], 1.0 / gg["gamma"], size=n)
    spend_factor = np.ones(n)
    if high_value_channel is not None:
        spend_factor[channel == CHANNELS.index(high_value_channel)] = high_value_factor
    one_time = rng.random(n) < one_time_share

    orders = _purchase_times(rng, acquired, rate, dropout, one_time, days, late_share, late_dropout_factor,
                             damaged_share, damaged_dropout_factor)
    who, at, late, index = orders["customer"], orders["at"], orders["late"], orders["index"]
    value = rng.gamma(gg["p"], 1.0 / nu[who]) * spend_factor[who]
    alive = orders["alive"]

    start_ts = pd.Timestamp(start)
    truth = _truth(n, channel, acquired, rate, dropout, nu, gg, spend_factor, who, late, alive,
                   orders["dropped_at"], start_ts)
    lines = _order_lines(rng, who, at, late, index, value, channel, start_ts, driver_column, days, orders["damaged"])
    crm = _crm(rng, n, channel, acquired, start_ts)
    params = {"bgnbd_days": bg, "gamma_gamma": gg, "late_share": late_share,
              "late_dropout_factor": late_dropout_factor, "high_value_channel": high_value_channel,
              "high_value_factor": high_value_factor, "one_time_share": one_time_share, "days": days,
              "driver_column": driver_column, "damaged_share": damaged_share,
              "damaged_dropout_factor": damaged_dropout_factor}
    return SimulatedShop(lines, crm, truth, params, start_ts, start_ts + pd.Timedelta(days=days))


def _purchase_times(rng, acquired, rate, dropout, one_time, days, late_share, late_factor, damaged_share=0.0,
                    damaged_factor=1.0) -> dict:
    """Every order of every customer, drawn round by round over the customers still buying (vectorised)."""
    n = len(acquired)
    late_extra = 1.0 - (1.0 - dropout) ** max(late_factor - 1.0, 0.0)   # added dropout after a late order
    damaged_extra = 1.0 - (1.0 - dropout) ** max(damaged_factor - 1.0, 0.0)
    active = np.arange(n)
    t = acquired.copy()
    k = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    dropped_at = np.full(n, np.nan)
    chunks = []
    while len(active):
        now = t[active]
        late = rng.random(len(active)) < late_share
        damaged = (rng.random(len(active)) < damaged_share if damaged_share > 0
                   else np.zeros(len(active), dtype=bool))
        chunks.append((active, now, late, k[active].copy(), damaged))
        base = np.where(k[active] == 0, np.where(one_time[active], 1.0, 0.0), dropout[active])
        p_drop = np.where(late, 1.0 - (1.0 - base) * (1.0 - late_extra[active]), base)
        p_drop = np.where(damaged, 1.0 - (1.0 - p_drop) * (1.0 - damaged_extra[active]), p_drop)
        drops = rng.random(len(active)) < p_drop
        gone = active[drops]
        alive[gone] = False
        dropped_at[gone] = now[drops]            # the last order's day: no order after it
        active = active[~drops]
        k[active] += 1
        t[active] = t[active] + rng.exponential(1.0 / rate[active])
        keep = t[active] < days
        active = active[keep]
    who = np.concatenate([c[0] for c in chunks])
    at = np.concatenate([c[1] for c in chunks])
    late = np.concatenate([c[2] for c in chunks])
    index = np.concatenate([c[3] for c in chunks])
    damaged = np.concatenate([c[4] for c in chunks])
    order = np.lexsort((at, who))
    return {"customer": who[order], "at": at[order], "late": late[order], "index": index[order],
            "damaged": damaged[order], "alive": alive, "dropped_at": dropped_at}


def _truth(n, channel, acquired, rate, dropout, nu, gg, spend_factor, who, late, alive, dropped_at, start):
    ids = _customer_ids(np.arange(n))
    counts = np.bincount(who, minlength=n)
    late_counts = np.bincount(who, weights=late, minlength=n).astype(np.int64)
    last = np.zeros(n, dtype=bool)
    last_idx = np.r_[np.flatnonzero(np.diff(who)), len(who) - 1]          # rows sorted by customer, then time
    last[who[last_idx]] = late[last_idx]
    day = pd.Timedelta(days=1)
    return pd.DataFrame({
        "customer_id": ids,
        "channel": np.asarray(CHANNELS)[channel],
        "acquired_at": start + acquired * day,
        "orders": counts,
        "late_orders": late_counts,
        "last_order_late": last,
        "alive": alive,
        "dropped_at": start + pd.to_timedelta(dropped_at, unit="D"),
        "rate_per_day": rate,
        "dropout": dropout,
        "mean_spend": gg["p"] / nu * spend_factor,
    })


def _customer_ids(numbers: np.ndarray) -> np.ndarray:
    return np.char.add("S", (100000 + numbers).astype(str))


def _numbered(prefix: str, numbers: np.ndarray) -> pa.Array:
    """``prefix`` followed by each number, as an Arrow string array (no Python string per row)."""
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _dates(values: pd.DatetimeIndex, fmt: str) -> pa.Array:
    return pc.strftime(pa.array(values.to_numpy(dtype="datetime64[s]")), format=fmt)


def _money(amounts: np.ndarray) -> pa.Array:
    """Amounts as text with two decimals ("12.50")."""
    cents = np.round(amounts * 100).astype(np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    part = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), width=2, padding="0")
    return pc.binary_join_element_wise(whole, part, ".")


def _pick(options, codes: np.ndarray) -> pa.Array:
    return pa.array(list(options), pa.string()).take(pa.array(codes))


def _order_lines(rng, who, at, late, index, value, channel, start, driver_column, days, damaged) -> pd.DataFrame:
    """One to three lines per order whose amounts add up to the order's value (to the cent, before rounding
    of the last line)."""
    n_orders = len(who)
    per_order = rng.integers(1, 4, size=n_orders)
    order_of_line = np.repeat(np.arange(n_orders), per_order)
    shares = rng.dirichlet(np.ones(3), size=n_orders)
    position = np.arange(len(order_of_line)) - np.repeat(np.cumsum(per_order) - per_order, per_order)
    share = shares[order_of_line, position]
    share = share / np.bincount(order_of_line, weights=share)[order_of_line]
    quantity = rng.integers(1, 3, size=len(order_of_line))
    unit_price = np.maximum(np.round(value[order_of_line] * share / quantity, 2), 0.5)
    product = rng.integers(0, 60, size=len(order_of_line))
    ordered_at = start + pd.to_timedelta(np.floor(at * 86400).astype(np.int64), unit="s")
    ordered_day = ordered_at.normalize()
    promised = ordered_day + pd.Timedelta(days=PROMISED_DAYS)
    late_days = np.where(late, rng.integers(3, 10, size=n_orders), -rng.integers(0, 2, size=n_orders))
    delivered = promised + pd.to_timedelta(late_days, unit="D")
    end = start + pd.Timedelta(days=days)
    lines = pa.array(order_of_line)
    customer = _numbered("S", 100000 + who)
    numbered_by_time = np.argsort(np.argsort(at, kind="stable"), kind="stable")
    discount = np.where(rng.random(n_orders) < 0.1, 1, 0)
    discount = np.where(index == 0, discount, np.where(rng.random(n_orders) < 0.05, 2, 0))
    frame = {
        "Order ID": _numbered("SO-", 1000000 + numbered_by_time).take(lines),
        "Order Date": _dates(ordered_at, "%Y-%m-%d %H:%M:%S").take(lines),
        "Customer ID": customer.take(lines),
        "Customer Email": _numbered("s", 100000 + who).take(lines),
        "SKU": _numbered("SK-", 100 + product),
        "Product": _numbered("Item ", 100 + product),
        "Category": _pick(CATEGORIES, product % len(CATEGORIES)),
        "Quantity": pa.array(quantity),
        "Unit Price": _money(unit_price),
        "Currency": _pick(("EUR",), np.zeros(len(order_of_line), dtype=np.int64)),
        "Channel": _pick(SALES_CHANNELS, ((who + index) % 2)[order_of_line]),
        "Country": _pick(COUNTRIES, (who % len(COUNTRIES))[order_of_line]),
        "Status": _pick(("completed",), np.zeros(len(order_of_line), dtype=np.int64)),
        "Discount Code": _pick(("", "WELCOME10", "SPRING15"), discount[order_of_line]),
    }
    frame["Customer Email"] = pc.binary_join_element_wise(frame["Customer Email"], "@example.com", "")
    if driver_column == "dates":
        frame["Promised Date"] = _dates(promised, "%Y-%m-%d").take(lines)
        arrived = pa.array(np.asarray(delivered < end))
        frame["Delivered Date"] = pc.if_else(arrived, _dates(delivered, "%Y-%m-%d"), "").take(lines)
    elif driver_column == "flag":
        frame["late_delivery"] = _pick(("false", "true"), late.astype(np.int64)[order_of_line])
    elif driver_column == "tags":
        tag = np.where(late, 1, np.where(index == 0, 2, 0))
        frame["Tags"] = _pick(("", "late delivery", "first order"), tag[order_of_line])
    if damaged.any():
        tags = frame.get("Tags", _pick(("",), np.zeros(len(order_of_line), dtype=np.int64)))
        with_damaged = pc.if_else(pc.equal(tags, ""), "damaged", pc.binary_join_element_wise(tags, "damaged", ", "))
        frame["Tags"] = pc.if_else(pa.array(damaged[order_of_line]), with_damaged, tags)
    return pa.table(frame).to_pandas()


def _crm(rng, n, channel, acquired, start) -> pd.DataFrame:
    ids = _customer_ids(np.arange(n))
    signup = start + pd.to_timedelta(np.floor(acquired), unit="D")
    return pd.DataFrame({
        "Customer ID": ids,
        "First Name": np.char.add("Customer ", np.arange(n).astype(str)),
        "Email": np.char.add(np.char.lower(ids), "@example.com"),
        "Country": np.asarray(COUNTRIES)[np.arange(n) % len(COUNTRIES)],
        "Signup Date": signup.strftime("%Y-%m-%d"),
        "Acquisition Channel": np.asarray(CHANNELS)[channel],
        "Email Opt-In": np.where(rng.random(n) < 0.7, "yes", "no"),
    })
