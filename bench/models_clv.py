"""CLV benchmark: summary SQL + BG/NBD and Gamma-Gamma fits + per-customer scores, at 100k and 1M customers.

    .venv/bin/python bench/models_clv.py                 # 100k and 1M customers
    .venv/bin/python bench/models_clv.py --customers 100000

Data: purchase days drawn from a BG/NBD process (r = 0.25, α = 4 weeks, a = 0.8, b = 2.5), first purchases
spread over two years, spend per purchase Gamma-Gamma (p = 6, q = 4, γ = 15); written straight into a
workspace's ``order_lines`` (one line per order) and the marts built (not timed: that is the upload's work).
Timed: the summary SQL, both fits, and the scores of every customer (expected purchases, P(alive), expected
spend, CLV with its interval). Targets: ≤ 3 s at 100k customers, ≤ 12 s at 1M. Peak memory is the process's
peak RSS (ru_maxrss), printed with its value after the (untimed) data set-up; run one size per process
(``--customers N``) for a clean peak.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from insights.predictions import clv
from insights.core.workspace import Workspace

TARGETS = {100_000: 3.0, 1_000_000: 12.0}
DAYS = 730


def simulate(n_customers: int, seed: int = 11) -> pa.Table:
    """One order line per purchase day of every customer (vectorised BG/NBD simulation)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.25, 1 / 4.0, n_customers) / 7.0            # per day
    p = rng.beta(0.8, 2.5, n_customers)
    nu = rng.gamma(4.0, 1 / 15.0, n_customers)
    first = rng.integers(0, DAYS - 30, n_customers)
    # number of purchases before dropping out: geometric; gaps: exponential(lam)
    max_repeat = rng.geometric(p)                               # repeat purchases made, the last followed by dropout
    customers, days = [np.arange(n_customers)], [first]
    current = first.astype(float)
    alive = np.ones(n_customers, dtype=bool)
    k = 0
    while alive.any():
        idx = np.flatnonzero(alive)
        current[idx] += rng.exponential(1.0 / np.maximum(lam[idx], 1e-9))
        ok = (current[idx] < DAYS) & (k < max_repeat[idx])
        keep = idx[ok]
        customers.append(keep)
        days.append(np.floor(current[keep]).astype(int))
        alive[idx[~ok]] = False
        k += 1
    cust = np.concatenate(customers)
    day = np.concatenate(days)
    n = len(cust)
    spend = np.round(rng.gamma(6.0, 1.0 / nu[cust]), 2) + 0.01
    ordered = np.datetime64("2022-01-01") + day.astype("timedelta64[D]")
    ids = np.char.add("c", cust.astype(str))
    return pa.table({
        "line_id": np.arange(n, dtype=np.int64), "source_file": pa.array(["bench"] * n), "source_row": np.arange(n) + 2,
        "order_id": np.char.add("o", np.arange(n).astype(str)), "customer_id": ids,
        "ordered_at": ordered.astype("datetime64[us]"),
        "quantity": pa.array(np.ones(n), pa.float64()), "unit_price": spend, "revenue": spend,
        "is_cancellation": np.zeros(n, dtype=bool), "is_return": np.zeros(n, dtype=bool),
        "is_non_product": np.zeros(n, dtype=bool), "is_guest": np.zeros(n, dtype=bool)})


def run(n_customers: int) -> dict:
    t0 = time.perf_counter()
    lines = simulate(n_customers)
    ws = Workspace.in_memory()
    ws.con.register("bench_lines", lines)
    cols = ", ".join(lines.column_names)          # our own fixed column names
    ws.con.execute(f"insert into order_lines ({cols}) select {cols} from bench_lines")
    ws.con.unregister("bench_lines")
    ws.build_marts()
    prep = time.perf_counter() - t0

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    summary = clv.customer_summary(ws)
    t_summary = time.perf_counter() - t
    t = time.perf_counter()
    models = clv.fit_models(summary, summary["last_purchase"].max())
    t_fit = time.perf_counter() - t
    t = time.perf_counter()
    scores = clv.score_customers(models, summary, horizon_days=365, annual_discount_rate=0.1)
    t_score = time.perf_counter() - t
    ws.close()
    total = t_summary + t_fit + t_score
    return {"customers": n_customers, "lines": lines.num_rows, "prep_s": prep, "summary_s": t_summary,
            "fit_s": t_fit, "unique_rows": models.bgnbd.unique_rows_fitted_, "score_s": t_score, "total_s": total,
            "target_s": TARGETS.get(n_customers), "rss_before_mb": rss_before,
            "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "params": {k: round(v, 3) for k, v in models.params.items()}, "total_clv": float(scores["clv"].sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="*", default=[100_000, 1_000_000])
    args = parser.parse_args()
    for n in args.customers:
        r = run(n)
        verdict = "" if r["target_s"] is None else (" ✓ within target" if r["total_s"] <= r["target_s"]
                                                   else " ✗ over target")
        target = f" (target ≤ {r['target_s']:.0f} s)" if r["target_s"] else ""
        print(f"CLV, {r['customers']:,} customers ({r['lines']:,} purchase days): "
              f"summary SQL {r['summary_s']:.2f} s + fit {r['fit_s']:.2f} s ({r['unique_rows']:,} unique rows) "
              f"+ scores {r['score_s']:.2f} s = {r['total_s']:.2f} s{target}{verdict}; "
              f"peak RSS {r['rss_peak_mb']:.0f} MB (after data set-up {r['rss_before_mb']:.0f} MB)")
        print(f"  fitted params (truth r=0.25 alpha=4 a=0.8 b=2.5 p=6 q=4 gamma=15): {r['params']}")


if __name__ == "__main__":
    main()
