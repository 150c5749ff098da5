"""CLV benchmark: BG/NBD + Gamma-Gamma fit and per-customer scores, ours against the straightforward lifetimes path.

    .venv/bin/python bench/models_clv.py                         # 100k and 1M customers
    .venv/bin/python bench/models_clv.py --customers 100000
    .venv/bin/python bench/models_clv.py --customers 1000000 --skip-lifetimes

Data: purchase days drawn from a BG/NBD process (r = 0.25, α = 4 weeks, a = 0.8, b = 2.5), first purchases
spread over two years, spend per purchase Gamma-Gamma (p = 6, q = 4, γ = 15); written straight into a
workspace's ``order_lines`` (one line per order), the marts built and the customer summary read by our SQL (timed
and reported, but the upload's work is not). The summary is handed to each path in a fresh process of its own
(a Parquet file), so that each process's peak RSS is that path's:

- **ours**: :func:`insights.predictions.clv.fit_models` (identical rows fitted once, with weights) and
  :func:`insights.predictions.clv.score_customers` (expected purchases, P(alive), expected spend, CLV month by
  month, and the simulated 80 % interval);
- **lifetimes**: ``BetaGeoFitter().fit`` on every customer, ``GammaGammaFitter().fit`` on the repeat customers,
  ``conditional_probability_alive``, ``conditional_expected_number_of_purchases_up_to_time`` and
  ``customer_lifetime_value`` (12 months) — no interval (lifetimes has none).

Targets for ours (fit + scores, summary SQL included): ≤ 3 s at 100k customers, ≤ 8 s at 1M.
Peak memory: each process's peak RSS (VmHWM), and its peak before the timed part (interpreter, imports, data).
Wall and CPU seconds are both printed (CPU: ``time.process_time``, every thread of the process): on a machine
shared with other jobs the wall time mostly measures the queue.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from insights.core.workspace import Workspace  # noqa: E402
from insights.predictions import clv  # noqa: E402

TARGETS = {100_000: 3.0, 1_000_000: 8.0}
DAYS = 730
HORIZON_DAYS = 365
ANNUAL_DISCOUNT = 0.10


def simulate(n_customers: int, seed: int = 11) -> pa.Table:
    """One order line per purchase day of every customer (vectorised BG/NBD simulation)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.25, 1 / 4.0, n_customers) / 7.0            # per day
    p = rng.beta(0.8, 2.5, n_customers)
    nu = rng.gamma(4.0, 1 / 15.0, n_customers)
    first = rng.integers(0, DAYS - 30, n_customers)
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


def prepare(n_customers: int, folder: Path) -> dict:
    """Simulate, load into a workspace, build the marts (untimed); time our summary SQL; write it to Parquet."""
    lines = simulate(n_customers)
    ws = Workspace.in_memory()
    ws.con.register("bench_lines", lines)
    cols = ", ".join(lines.column_names)          # our own fixed column names
    ws.con.execute(f"insert into order_lines ({cols}) select {cols} from bench_lines")
    ws.con.unregister("bench_lines")
    ws.build_marts()
    t, c = time.perf_counter(), time.process_time()
    summary = clv.customer_summary(ws)
    summary_s, summary_cpu = time.perf_counter() - t, time.process_time() - c
    ws.close()
    path = folder / f"summary_{n_customers}.parquet"
    summary.to_parquet(path)
    return {"summary_s": summary_s, "summary_cpu": summary_cpu, "lines": lines.num_rows, "path": str(path)}


def run_ours(summary: pd.DataFrame) -> dict:
    models = clv.fit_models(summary, summary["last_purchase"].max())
    fitted = time.perf_counter()
    scores = clv.score_customers(models, summary, horizon_days=HORIZON_DAYS, annual_discount_rate=ANNUAL_DISCOUNT)
    return {"fitted_at": fitted, "params": models.params, "total_clv": float(scores["clv"].sum()),
            "unique_rows": models.bgnbd.unique_rows_fitted_}


def run_lifetimes(summary: pd.DataFrame) -> dict:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    bgf = BetaGeoFitter().fit(f, r, T)
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    fitted = time.perf_counter()
    bgf.conditional_probability_alive(f, r, T)
    bgf.conditional_expected_number_of_purchases_up_to_time(HORIZON_DAYS / 7, f, r, T)
    money = summary["monetary_value"].fillna(0.0).clip(lower=0.0)
    value = ggf.customer_lifetime_value(bgf, f, r, T, money, time=12, freq="W",
                                        discount_rate=(1 + ANNUAL_DISCOUNT) ** (1 / 12) - 1)
    params = dict(bgf.params_) | {"p": ggf.params_["p"], "q": ggf.params_["q"], "gamma": ggf.params_["v"]}
    return {"fitted_at": fitted, "params": {k: float(v) for k, v in params.items()}, "total_clv": float(value.sum())}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str, which: str) -> None:
    """One path in this process: read the summary, time fit + scores, print JSON."""
    summary = pd.read_parquet(path)
    rss_before = peak_rss_mb()
    t, c = time.perf_counter(), time.process_time()
    out = (run_ours if which == "ours" else run_lifetimes)(summary)
    end, cpu = time.perf_counter(), time.process_time() - c
    fit_s = out.pop("fitted_at") - t
    out.update({"fit_s": fit_s, "score_s": end - t - fit_s, "total_s": end - t, "cpu_s": cpu,
                "rss_before_mb": rss_before, "rss_peak_mb": peak_rss_mb()})
    print(json.dumps(out))


def in_process(path: str, which: str, timeout: float) -> dict | None:
    try:
        done = subprocess.run([sys.executable, __file__, "--child", which, path], capture_output=True, text=True,
                              timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--skip-lifetimes", action="store_true", help="time our path only")
    parser.add_argument("--lifetimes-timeout", type=float, default=1800, metavar="S")
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[1], args.child[0])
        return
    with tempfile.TemporaryDirectory(prefix="bench-clv-") as tmp:
        for n in args.customers:
            prep = prepare(n, Path(tmp))
            ours = in_process(prep["path"], "ours", 600)
            theirs = None if args.skip_lifetimes else in_process(prep["path"], "lifetimes", args.lifetimes_timeout)
            total = prep["summary_s"] + ours["total_s"]
            target = TARGETS.get(n)
            verdict = "" if target is None else (" ✓ within target" if total <= target else " ✗ over target")
            print(f"CLV, {n:,} customers ({prep['lines']:,} purchase days, {ours['unique_rows']:,} distinct rows; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
            print(f"  ours:      summary SQL {prep['summary_s']:.2f} s + fit {ours['fit_s']:.2f} s + scores with "
                  f"intervals {ours['score_s']:.2f} s = {total:.2f} s"
                  f"{f' (target ≤ {target:.0f} s){verdict}' if target else ''}; CPU "
                  f"{prep['summary_cpu'] + ours['cpu_s']:.2f} s (SQL {prep['summary_cpu']:.2f}); peak RSS "
                  f"{ours['rss_peak_mb']:.0f} MB (before the timed part {ours['rss_before_mb']:.0f} MB)")
            if theirs is None and not args.skip_lifetimes:
                print(f"  lifetimes: did not finish within {args.lifetimes_timeout:.0f} s")
            elif theirs is not None:
                print(f"  lifetimes: fit {theirs['fit_s']:.2f} s + scores {theirs['score_s']:.2f} s (no interval) = "
                      f"{theirs['total_s']:.2f} s, CPU {theirs['cpu_s']:.2f} s; peak RSS {theirs['rss_peak_mb']:.0f} MB (before "
                      f"{theirs['rss_before_mb']:.0f} MB)")
                print(f"  ratio: lifetimes fit + scores ÷ ours (summary SQL included) = "
                      f"{theirs['total_s'] / total:.1f}× wall, lifetimes' fit + scores ÷ ours "
                      f"{theirs['cpu_s'] / ours['cpu_s']:.1f}× CPU; total CLV ours {ours['total_clv']:,.0f}, "
                      f"lifetimes {theirs['total_clv']:,.0f}")
            print(f"  fitted params (truth r=0.25 alpha=4 a=0.8 b=2.5 p=6 q=4 gamma=15): "
                  f"{ {k: round(v, 3) for k, v in ours['params'].items()} }")


if __name__ == "__main__":
    main()
