"""Churn benchmark: features + fit + scoring on a simulated shop, ours beside the straightforward path.

    .venv/bin/python bench/models_churn.py                     # 100k customers (target ≤ 2 s)
    .venv/bin/python bench/models_churn.py --customers 20000

The shop is :func:`insights.predictions.simulate.simulate_shop` (BG/NBD × Gamma-Gamma, late deliveries raise the
dropout; promised and delivered dates on every order), put straight into the canonical tables (no file parsing:
loading is the ingest benchmark's business). Each path runs in its own process, so that its peak memory is its
own (both include building the same shop, reported alone as "shop only"):

* **ours** — :func:`insights.predictions.churn.fit_churn`: churn window, features at the cutoff and today in
  DuckDB, labels, two BG/NBD fits (cutoff and today) for p_alive, the BG/NBD-anchored model on the training
  customers, the recency baseline, held-out quality with DeLong intervals, drivers, scoring with reasons, value at
  risk and actions;
* **straightforward** — the same task as a data scientist would first write it: order lines read into pandas,
  per-customer features by ``groupby`` (recency, frequency, tenure, spend, late share, last order late), labels,
  lifetimes' ``summary_data_from_transaction_data`` + ``BetaGeoFitter`` at the cutoff and today for p_alive,
  scikit-learn ``StandardScaler`` + ``LogisticRegression`` fitted on 75% and scored on the held-out 25% and on
  today's customers (no reasons, no value at risk, no drivers).

Wall seconds and CPU seconds (``time.process_time``: every thread of the process) are both printed: on a machine
shared with other jobs the wall time mostly measures the queue.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.memory import peak_rss_mb  # noqa: E402
from insights.core.db import table_columns  # noqa: E402
from insights.core.workspace import Workspace  # noqa: E402
from insights.predictions.simulate import simulate_shop  # noqa: E402


def canonical_lines(n_customers: int, seed: int = 3) -> pd.DataFrame:
    """The simulated shop's order lines as canonical ``order_lines`` rows (dates of delivery included)."""
    shop = simulate_shop(n_customers, seed=seed, driver_column="dates")
    o = shop.orders
    lines = pd.DataFrame({
        "order_id": o["Order ID"], "customer_id": o["Customer ID"], "ordered_at": pd.to_datetime(o["Order Date"]),
        "product_id": o["SKU"], "category": o["Category"], "quantity": o["Quantity"].astype(float),
        "unit_price": o["Unit Price"].astype(float), "channel": o["Channel"], "country": o["Country"],
        "promised_at": pd.to_datetime(o["Promised Date"]),
        "delivered_at": pd.to_datetime(o["Delivered Date"].replace("", None)),
    })
    lines["revenue"] = (lines["quantity"] * lines["unit_price"]).round(2)
    lines["line_id"] = np.arange(len(lines))
    lines["source_file"] = "simulated"
    lines["source_row"] = lines["line_id"] + 2
    for flag in ("is_cancellation", "is_return", "is_non_product", "is_guest"):
        lines[flag] = False
    return lines


def load(ws: Workspace, lines: pd.DataFrame) -> None:
    cols = [c for c in lines.columns if c in table_columns(ws.con, "order_lines")]   # checked against the schema
    ws.con.register("_bench", lines[cols])
    col_sql = ", ".join(f'"{c}"' for c in cols)
    ws.con.execute(f'insert into order_lines ({col_sql}) select {col_sql} from _bench')
    ws.con.unregister("_bench")
    ws.build_marts()


def ours(ws: Workspace) -> dict:
    from insights.predictions.churn import fit_churn
    fit_churn(ws)                                   # warm: imports, DuckDB plans
    times, cpu = [], []
    for _ in range(2):
        t, c = time.perf_counter(), time.process_time()
        result = fit_churn(ws)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    m = result.metrics
    return {"seconds": min(times), "cpu_seconds": min(cpu), "window_days": result.definition.window_days, "ranked_by": result.ranked_by,
            "auc": {k: round(v["roc_auc"], 3) for k, v in m.items()}, "scored": int(len(result.scores)),
            "drivers": [(d["feature"], round(d["relative_risk"], 2)) for d in result.drivers if d["significant"]]}


def straightforward(ws: Workspace, window_days: int) -> dict:
    from lifetimes import BetaGeoFitter
    from lifetimes.utils import summary_data_from_transaction_data
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    t, c = time.perf_counter(), time.process_time()
    lines = ws.con.execute("select customer_id, order_id, ordered_at, revenue, promised_at, delivered_at "
                           "from order_lines").df()
    orders = lines.groupby("order_id").agg(customer_id=("customer_id", "first"), ordered_at=("ordered_at", "first"),
                                           revenue=("revenue", "sum"), promised_at=("promised_at", "first"),
                                           delivered_at=("delivered_at", "first")).reset_index()
    as_of = orders["ordered_at"].max().normalize() + pd.Timedelta(days=1)
    cutoff = as_of - pd.Timedelta(days=window_days)

    def features(day):
        known = orders[orders["ordered_at"] < day].sort_values("ordered_at")
        late = (known["delivered_at"] < day) & (known["delivered_at"] > known["promised_at"])
        known = known.assign(late=late.astype(int))
        g = known.groupby("customer_id")
        f = pd.DataFrame({"recency": (day - g["ordered_at"].max()).dt.days,
                          "tenure": (day - g["ordered_at"].min()).dt.days, "orders": g.size(),
                          "spend": g["revenue"].mean(), "late_share": g["late"].mean(),
                          "last_late": g["late"].last()})
        summary = summary_data_from_transaction_data(known, "customer_id", "ordered_at",
                                                     observation_period_end=day - pd.Timedelta(days=1), freq="D")
        bg = BetaGeoFitter(penalizer_coef=0.001).fit(summary["frequency"], summary["recency"], summary["T"])
        alive = bg.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
        f["p_alive"] = pd.Series(np.asarray(alive), index=summary.index).reindex(f.index)
        return f

    train = features(cutoff)
    came_back = set(orders.loc[orders["ordered_at"] >= cutoff, "customer_id"])
    y = (~train.index.isin(came_back)).astype(int)
    rng = np.random.default_rng(0)
    test = rng.random(len(train)) < 0.25
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(train[~test], y[~test])
    auc = roc_auc_score(y[test], model.predict_proba(train[test])[:, 1])
    today = features(as_of)
    scores = model.predict_proba(today)[:, 1]
    return {"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c, "auc": {"model": round(float(auc), 3)}, "scored": int(len(scores))}


def child(path: str, customers: int, window_days: int | None) -> None:
    ws = Workspace.in_memory("bench")
    load(ws, canonical_lines(customers))
    shop_mb = peak_rss_mb()
    if path == "ours":
        out = ours(ws)
    elif path == "straightforward":
        out = straightforward(ws, window_days)
    else:
        out = {}
    out.update(path=path, peak_mb=round(peak_rss_mb()), shop_only_mb=round(shop_mb))
    print(json.dumps(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--child", choices=("ours", "straightforward"), help=argparse.SUPPRESS)
    parser.add_argument("--window-days", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.customers, args.window_days)
        return 0

    def run(path, *extra):
        out = subprocess.run([sys.executable, __file__, "--customers", str(args.customers), "--child", path, *extra],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    mine = run("ours")
    plain = run("straightforward", "--window-days", str(mine["window_days"]))
    print(f"simulated shop: {args.customers:,} customers; churn window {mine['window_days']} days; "
          f"{mine['scored']:,} customers scored")
    print(f"ours:            {mine['seconds']:.2f} s wall, {mine['cpu_seconds']:.2f} s CPU (best of 2), peak {mine['peak_mb']:,} MB "
          f"(shop alone {mine['shop_only_mb']:,} MB); held-out ROC AUC {mine['auc']}; ranked by "
          f"{mine['ranked_by']}; drivers {mine['drivers']}")
    print(f"straightforward: {plain['seconds']:.2f} s wall, {plain['cpu_seconds']:.2f} s CPU, peak {plain['peak_mb']:,} MB "
          f"(shop alone {plain['shop_only_mb']:,} MB); held-out ROC AUC {plain['auc']}")
    print(f"ratio straightforward / ours: {plain['seconds'] / mine['seconds']:.1f}× wall, "
          f"{plain['cpu_seconds'] / mine['cpu_seconds']:.1f}× CPU (target: ours ≤ 2 s at 100k; CPU seconds count "
          "every thread of the process, and stay meaningful when other jobs share the machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
