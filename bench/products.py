"""Products benchmark: pairs bought together and recommendations for every customer on a simulated shop.

    .venv/bin/python bench/products.py                       # 1M lines, 100k customers, 5,000 products
    .venv/bin/python bench/products.py --lines 200000 --customers 20000 --products 2000

The shop is written straight into a workspace on disk (the loader has its own benchmark). Each phase then runs in
its own subprocess so that its peak memory (``VmHWM``, Python and libraries included) is its own:
"baskets" = reading the kept lines + pairs with p-values and BH (min 10 baskets); "pandas_pairs" = the same lines
self-joined on the order and pairs counted with a pandas groupby (the plain path, for the ratio; no p-values);
"triples" = pairs + three bought together; "recommend" = reading the kept lines + EASE top 10 for every customer;
"evaluate" = the 4-week backtest of every method. (``--phase stored`` = backtest + every customer's
recommendations stored, what the first page visit after an upload pays.) Targets (2 cores):
baskets ≤ 3 s, recommendations ≤ 20 s, peak memory ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from insights.core.workspace import Workspace  # noqa: E402

TARGETS = {"baskets": 3.0, "recommend": 20.0}


def simulated_lines(lines: int, customers: int, products: int, seed: int = 0) -> pd.DataFrame:
    """Online-shop-like lines: Zipf-like product popularity, customers with a taste family of 50 products."""
    rng = np.random.default_rng(seed)
    orders = lines // 3
    order_customer = rng.integers(0, customers, orders)
    order_day = rng.integers(0, 365, orders)
    per_order = rng.multinomial(lines - orders, np.ones(orders) / orders) + 1
    line_order = np.repeat(np.arange(orders), per_order)[:lines]
    customer = order_customer[line_order]
    popular = rng.zipf(1.3, lines) % products
    family = (customer % (products // 50)) * 50 + rng.integers(0, 50, lines)
    product = np.where(rng.random(lines) < 0.5, popular, family)
    return pd.DataFrame({
        "line_id": np.arange(lines), "source_file": "bench", "source_row": np.arange(2, lines + 2),
        "order_id": np.char.add("o", line_order.astype(str)), "customer_id": np.char.add("c", customer.astype(str)),
        "source_customer_id": np.char.add("C", customer.astype(str)),
        "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(order_day[line_order], unit="D"),
        "product_id": np.char.add("P", product.astype(str)), "product_name": np.char.add("Product ", product.astype(str)),
        "category": np.char.add("Cat ", (product % 40).astype(str)),
        "quantity": 1.0, "unit_price": 5.0, "revenue": 5.0,
        "is_cancellation": False, "is_return": False, "is_non_product": False, "is_guest": False,
    })


def build(folder: str, lines: int, customers: int, products: int) -> None:
    ws = Workspace.create_at(Path(folder))
    frame = simulated_lines(lines, customers, products)
    ws.con.register("incoming", frame)
    cols = ", ".join(frame.columns)                   # our own fixed column names
    ws.con.execute(f"insert into order_lines ({cols}) select {cols} from incoming")
    ws.con.unregister("incoming")
    ws.build_marts()
    ws.close()


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return float("nan")


def phase(folder: str, name: str) -> dict:
    from insights.products.backtest import evaluate
    from insights.products.baskets import bought_together
    from insights.products.lines import history_end, kept_lines
    from insights.products.recommend import recommend

    ws = Workspace.open(Path(folder))
    start = time.perf_counter()
    if name == "baskets":
        pairs = bought_together(kept_lines(ws), min_baskets=10)
        detail = {"orders": pairs.baskets, "pairs_tested": pairs.tests, "associated": int(len(pairs.associated))}
    elif name == "pandas_pairs":
        # the plain path, for a side-by-side ratio: lines self-joined on the order (mlxtend-style one-hot baskets
        # would need orders × products booleans), pairs counted by groupby; no p-values, no names
        lines = kept_lines(ws)[["order_id", "product_id"]].drop_duplicates()
        joined = lines.merge(lines, on="order_id", suffixes=("_a", "_b"))
        joined = joined[joined["product_id_a"] < joined["product_id_b"]]
        counted = joined.groupby(["product_id_a", "product_id_b"]).size()
        detail = {"pairs_counted": int((counted >= 10).sum())}
    elif name == "triples":
        from insights.products.triples import bought_together_three
        lines = kept_lines(ws)
        found = bought_together_three(lines, bought_together(lines, min_baskets=10))
        detail = {"triangles": found.tests, "strong": int(len(found.strong)), "limited": found.limited}
    elif name == "stored":
        from insights.products.stored import refreshed
        report = refreshed(ws)
        detail = {"method": report["method"]}
    elif name == "recommend":
        recs = recommend(ws, top=10, method="ease")
        detail = {"customers": int(recs.rows["customer_id"].nunique()), "restricted": recs.restricted}
    else:
        result = evaluate(kept_lines(ws), history_end(ws))
        detail = {"methods": result.methods.round(3).to_dict("records"), "chosen": result.chosen}
    seconds = time.perf_counter() - start
    ws.close()
    return {"phase": name, "seconds": round(seconds, 2), "peak_mb": round(peak_mb()), **detail}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--phase", default=None)
    parser.add_argument("--folder", default=None)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.folder, args.phase)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = str(Path(tmp) / "shop")
        started = time.perf_counter()
        build(folder, args.lines, args.customers, args.products)
        print(f"built {args.lines:,} lines in {time.perf_counter() - started:.1f} s", flush=True)
        for name in ("baskets", "pandas_pairs", "triples", "recommend", "evaluate"):
            out = subprocess.run([sys.executable, __file__, "--phase", name, "--folder", folder],
                                 capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(out.stderr)
            out = out.stdout
            result = json.loads(out.strip().splitlines()[-1])
            target = TARGETS.get(name)
            verdict = "" if target is None else (" (target ≤ %.0f s: %s)" % (target, "met" if result["seconds"]
                                                                                <= target else "MISSED"))
            print(json.dumps(result) + verdict, flush=True)


if __name__ == "__main__":
    main()
