"""Synthetic order-line files for the benchmarks: an Online-Retail-like layout at any size.

    .venv/bin/python bench/synthetic.py --lines 1000000 --customers 100000 --out /tmp/orders_1m.csv

Customers buy by a BG/NBD-like process (gamma purchase rates, geometric dropout), each order has 1–20 lines,
about 2 % of lines are cancellations (``C``-prefixed invoice, negative quantity) and 20 % of lines have no
customer (guest orders), as in a real till export.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

START = np.datetime64("2022-01-01T00:00:00")
DAYS = 730
COUNTRIES = np.array(["United Kingdom", "Germany", "France", "Netherlands", "Spain", "Ireland", "Belgium"])
CATEGORIES = np.array(["Home", "Garden", "Kitchen", "Gifts", "Lighting", "Textiles"])


def order_lines(n_lines: int, n_customers: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    lines_per_order = rng.integers(1, 21, size=n_lines // 5 + 10)
    cum = np.cumsum(lines_per_order)
    n_orders = int(np.searchsorted(cum, n_lines) + 1)
    lines_per_order = lines_per_order[:n_orders]
    lines_per_order[-1] -= int(cum[n_orders - 1] - n_lines)

    # customers: heavy-tailed activity, so a few buy often and most buy once or twice
    weight = rng.gamma(0.4, 1.0, size=n_customers)
    order_customer = rng.choice(n_customers, size=n_orders, p=weight / weight.sum())
    guest = rng.random(n_orders) < 0.2
    first_day = rng.integers(0, DAYS, size=n_customers)
    order_day = np.minimum(first_day[order_customer] + rng.exponential(120, size=n_orders).astype(int), DAYS - 1)
    order_time = START + (order_day * 86400 + rng.integers(8 * 3600, 20 * 3600, size=n_orders)).astype("timedelta64[s]")
    cancelled = rng.random(n_orders) < 0.02

    order_idx = np.repeat(np.arange(n_orders), lines_per_order)
    invoice = np.char.add(np.where(cancelled[order_idx], "C", ""), (500000 + order_idx).astype(str))
    product = rng.integers(0, 3000, size=n_lines)
    qty = rng.integers(1, 13, size=n_lines) * np.where(cancelled[order_idx], -1, 1)
    price_cents = (rng.lognormal(1.2, 0.7, size=3000) * 100).astype(int) + 10
    customer = np.where(guest[order_idx], "", (10000 + order_customer[order_idx]).astype(str))
    return pa.table({
        "InvoiceNo": invoice,
        "StockCode": np.char.add("P", product.astype(str)),
        "Description": np.char.add(np.char.add(CATEGORIES[product % 6], " item "), product.astype(str)),
        "Quantity": qty,
        "InvoiceDate": np.datetime_as_string(order_time[order_idx], unit="m"),
        "UnitPrice": np.char.mod("%.2f", price_cents[product] / 100),
        "CustomerID": customer,
        "Country": COUNTRIES[order_customer[order_idx] % len(COUNTRIES)],
    })


def write(table: pa.Table, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    write(order_lines(args.lines, args.customers), Path(args.out))


if __name__ == "__main__":
    main()
