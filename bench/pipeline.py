"""End to end: seconds from an order-lines CSV to every page's data, models included, beside the straightforward way.

    .venv/bin/python bench/pipeline.py                       # 1M lines (100k customers)
    .venv/bin/python bench/pipeline.py --lines 10000000 --customers 1000000

Both ways run on the same synthetic file (bench/synthetic.py) in the same run, each in its own child process so
that peak memory (``VmHWM``, the peak resident set size) is measured per way.

- Clueboard: ``ingest_files`` (read, parse, account for every row, identity, marts, health) → KPI scorecard data,
  cohort heatmap, RFM segments, CLV fit + per-customer scores, churn model + watchlist.
- Straightforward: ``pandas.read_csv`` → pandas groupbys for monthly KPIs, the cohort matrix and RFM;
  ``lifetimes.utils.summary_data_from_transaction_data`` → ``BetaGeoFitter`` + ``GammaGammaFitter`` →
  lifetimes' own ``customer_lifetime_value``; churn by logistic regression on pandas features.
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
sys.path.insert(0, str(ROOT / "bench"))


def _peak_mb() -> float:
    from memory import peak_rss_mb
    return peak_rss_mb()


def clueboard(path: str) -> dict:
    from insights.predictions import churn
    from insights.predictions import clv
    from insights.performance import cohorts
    from insights.performance import kpis
    from insights.ingest import health_report, ingest_files
    from insights.core.workspace import Workspace

    steps, t0 = {}, time.perf_counter()

    def step(name, fn, *a, **k):
        s = time.perf_counter()
        out = fn(*a, **k)
        steps[name] = round(time.perf_counter() - s, 2)
        return out

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create("bench", root=tmp)
        step("ingest", ingest_files, ws, [path])
        step("health", health_report, ws)
        table = step("kpis", kpis.kpi_table, ws, "month")
        last = table["period"].iloc[-1]
        step("kpi_compare+bridge", lambda: (kpis.compare_periods(ws, "month", last, table=table),
                                            kpis.revenue_bridge(ws, kpis.shift_period(last, "month", -1), last)))
        step("cohorts", cohorts.cohort_table, ws, "month", "retention")
        try:
            from insights.customers import segments
            step("segments", segments.segment_table, ws)
        except (ImportError, AttributeError) as err:
            steps["segments"] = f"n/a ({err})"
        step("clv", clv.run_clv, ws, with_backtest=False)
        step("churn", churn.score_workspace, ws, with_bgnbd=False)
        seconds = round(time.perf_counter() - t0, 2)                        # every page's data, models included
        step("clv_stored", clv.run_clv, ws, with_backtest=False)           # a page opened again: the stored run
        step("churn_stored", churn.churn_result, ws, with_bgnbd=False)
        ws.close()
    return {"seconds": seconds, "steps": steps, "peak_mb": round(_peak_mb())}


def straightforward(path: str) -> dict:
    import numpy as np
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data
    from sklearn.linear_model import LogisticRegression

    steps, t0 = {}, time.perf_counter()

    def step(name, fn):
        s = time.perf_counter()
        out = fn()
        steps[name] = round(time.perf_counter() - s, 2)
        return out

    lines = step("read_csv", lambda: pd.read_csv(path, dtype={"CustomerID": "string", "InvoiceNo": "string"}))

    def clean():
        lines["InvoiceDate"] = pd.to_datetime(lines["InvoiceDate"])
        lines["revenue"] = lines["Quantity"] * lines["UnitPrice"]
        lines["month"] = lines["InvoiceDate"].dt.to_period("M")
        return lines[lines["CustomerID"].notna()]
    known = step("clean", clean)

    def kpi():
        orders = known.groupby("InvoiceNo").agg(customer=("CustomerID", "first"), at=("InvoiceDate", "min"),
                                                revenue=("revenue", "sum"), month=("month", "first"))
        first = orders.groupby("customer")["at"].min().dt.to_period("M").rename("cohort")
        monthly = orders.groupby("month").agg(active=("customer", "nunique"), orders=("revenue", "size"),
                                              revenue=("revenue", "sum"))
        monthly["new"] = first.value_counts().reindex(monthly.index, fill_value=0)
        monthly["aov"] = monthly["revenue"] / monthly["orders"]
        return orders, first
    orders, first = step("kpis", kpi)

    def cohort():
        o = orders.join(first, on="customer")
        o["k"] = (o["month"] - o["cohort"]).apply(lambda d: d.n)
        return o.groupby(["cohort", "k"])["customer"].nunique().unstack()
    step("cohorts", cohort)

    def rfm():
        end = orders["at"].max() + pd.Timedelta(days=1)
        r = orders.groupby("customer").agg(recency=("at", lambda s: (end - s.max()).days),
                                           frequency=("revenue", "size"), monetary=("revenue", "sum"))
        for c in r:
            r[c + "_score"] = pd.qcut(r[c].rank(method="first"), 5, labels=False) + 1
        return r
    step("segments", rfm)

    def lifetime():
        summary = summary_data_from_transaction_data(known, "CustomerID", "InvoiceDate", "revenue", freq="W")
        bg = BetaGeoFitter(penalizer_coef=0.001).fit(summary["frequency"], summary["recency"], summary["T"])
        rep = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
        gg = GammaGammaFitter(penalizer_coef=0.001).fit(rep["frequency"], rep["monetary_value"])
        return gg.customer_lifetime_value(bg, rep["frequency"], rep["recency"], rep["T"], rep["monetary_value"],
                                          time=12, freq="W", discount_rate=0.01)
    step("clv", lifetime)

    def churn():
        cutoff = orders["at"].max() - pd.Timedelta(days=90)
        before, after = orders[orders["at"] <= cutoff], orders[orders["at"] > cutoff]
        f = before.groupby("customer").agg(last=("at", "max"), n=("revenue", "size"), m=("revenue", "sum"))
        X = np.column_stack([(cutoff - f["last"]).dt.days, np.log1p(f["n"]), np.sign(f["m"]) * np.log1p(f["m"].abs())])
        y = ~f.index.isin(after["customer"].unique())
        return LogisticRegression(max_iter=200).fit(X, y).predict_proba(X)
    step("churn", churn)
    return {"seconds": round(time.perf_counter() - t0, 2), "steps": steps, "peak_mb": round(_peak_mb())}


def _child(way: str, path: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", way, "--file", path], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--file", help="use this CSV instead of a synthetic one")
    parser.add_argument("--skip-straightforward", action="store_true")
    parser.add_argument("--child", choices=("clueboard", "straightforward"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        fn = clueboard if args.child == "clueboard" else straightforward
        print(json.dumps(fn(args.file)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = args.file
        if not path:
            from synthetic import order_lines, write
            path = str(write(order_lines(args.lines, args.customers), Path(tmp) / "orders.csv"))
        print(f"file: {path} ({Path(path).stat().st_size / 1e6:.0f} MB, {args.lines:,} lines, "
              f"{args.customers:,} customers)")
        ours = _child("clueboard", path)
        print(f"Clueboard:       {ours}")
        if not args.skip_straightforward:
            theirs = _child("straightforward", path)
            print(f"straightforward: {theirs}")
            if "seconds" in ours and "seconds" in theirs:
                print(f"ratio: straightforward / Clueboard = {theirs['seconds'] / ours['seconds']:.2f}x; "
                      f"peak memory {ours['peak_mb']} MB vs {theirs['peak_mb']} MB")
                # issue 16, bar 1: the first useful page (health report + KPIs) is ready when the load is; the
                # models are the load's second stage (in the background in the app)
                s = ours["steps"]
                first = s["ingest"] + s["health"] + s["kpis"] + s["kpi_compare+bridge"]
                print(f"first page (ingest + health + KPIs): {first:.2f} s = {first / theirs['seconds']:.0%} of the "
                      f"straightforward way's total {theirs['seconds']:.2f} s")


if __name__ == "__main__":
    main()
