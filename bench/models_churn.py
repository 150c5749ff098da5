"""Churn benchmark: features, fit and scoring on synthetic shops; prints seconds and peak memory.

    .venv/bin/python bench/models_churn.py                 # 100k customers (target ≤ 2 s)
    .venv/bin/python bench/models_churn.py --customers 20000 --kind boosting

The synthetic shop has per-customer purchase rates and lifetimes, two lines per order, deliveries with a
promised and a delivered date (some late, and late deliveries shorten the customer's life), NPS answers after
some late deliveries and web sessions. "features + fit + scoring" is :func:`insights.predictions.churn.fit_churn`: two
feature passes in DuckDB (cutoff and today), labels, two model fits (the model on training customers, the recency baseline
), scoring with the evaluated model, reasons, value at risk, actions. Writing ``churn_scores`` is timed separately.
Peak memory is the process's peak resident set size (``ru_maxrss``), which includes the data generation.

The per-step breakdown times fit_churn's steps by wrapping them (:data:`TIMED_STEPS`). fit_churn reads the labels,
today's features and the watchlist's lookups (expected values, context, segments) in a second thread while it
defines churn and fits, so those steps overlap the others: the steps do not add up to the total.
"""

from __future__ import annotations

import argparse
import functools
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from insights.core.workspace import Workspace  # noqa: E402

START = np.datetime64("2023-01-01T00:00:00")
DAYS = 720


def synthetic_shop(n_customers: int, seed: int = 3) -> dict[str, pd.DataFrame]:
    """Canonical tables (order_lines, feedback, events) for a synthetic shop of ``n_customers``."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, int(DAYS * 0.7), size=n_customers)
    rate = rng.gamma(1.5, 1 / 60, size=n_customers)                 # orders per day
    life = rng.exponential(260, size=n_customers)
    unlucky = rng.random(n_customers) < 0.25                        # gets a late delivery …
    life = np.where(unlucky, np.minimum(life, rng.exponential(60, size=n_customers)), life)  # … and leaves sooner
    active = np.minimum(life, DAYS - first)
    n_orders = 1 + rng.poisson(rate * active)
    cust = np.repeat(np.arange(n_customers), n_orders)
    offset = rng.random(len(cust)) * np.repeat(active, n_orders)
    first_of = np.r_[0, np.cumsum(n_orders)[:-1]]
    offset[first_of] = 0.0
    day = first[cust] + offset
    n = len(cust)
    ordered = START + (day * 86400).astype("timedelta64[s]")
    late = np.where(unlucky[cust], rng.random(n) < 0.5, rng.random(n) < 0.03)
    late_days = np.where(late, rng.integers(3, 12, size=n), -1)
    promised = ordered + np.timedelta64(4, "D")
    delivered = promised + late_days.astype("timedelta64[D]")
    price = np.round(rng.gamma(2, 25, size=n_customers)[cust] * rng.uniform(0.6, 1.4, size=n), 2)
    order_id = np.char.add("o", np.arange(n).astype(str))
    customer_id = np.char.add("c", cust.astype(str))
    countries = np.array(["DE", "FR", "NL", "BE", "AT"])
    channels = np.array(["web", "app", "marketplace"])
    orders = pd.DataFrame({"order_id": order_id, "customer_id": customer_id, "ordered_at": ordered,
                           "promised_at": promised, "delivered_at": delivered,
                           "country": countries[cust % 5], "channel": channels[cust % 3]})
    lines = pd.concat([orders.assign(product_id="p1", unit_price=price * 0.6),
                       orders.assign(product_id="p2", unit_price=price * 0.4)], ignore_index=True)
    lines["quantity"] = 1.0
    lines["revenue"] = lines["unit_price"]
    lines["line_id"] = np.arange(len(lines))
    lines["source_file"] = "synthetic"
    lines["source_row"] = lines["line_id"] + 2
    for flag in ("is_cancellation", "is_return", "is_non_product", "is_guest"):
        lines[flag] = False
    answered = late & (rng.random(n) < 0.4)
    feedback = pd.DataFrame({"customer_id": customer_id[answered],
                             "submitted_at": delivered[answered] + np.timedelta64(1, "D"),
                             "kind": "nps", "score": rng.integers(0, 6, size=int(answered.sum())).astype(float),
                             "text": "parcel arrived late"})
    visits = rng.random(n) < 0.8
    events = pd.DataFrame({"customer_id": customer_id[visits], "session_id": np.char.add("s", order_id[visits]),
                           "event_at": ordered[visits] - np.timedelta64(600, "s"),
                           "event_type": rng.choice(np.array(["view", "cart"]), size=int(visits.sum()))})
    return {"order_lines": lines, "feedback": feedback, "events": events}


def load(ws: Workspace, tables: dict[str, pd.DataFrame]) -> None:
    from insights.core.db import table_columns
    for table in ("order_lines", "feedback", "events"):   # fixed names, columns checked against the schema
        df = tables[table]
        cols = [c for c in df.columns if c in table_columns(ws.con, table)]
        ws.con.register("_bench", df[cols])
        col_sql = ", ".join(f'"{c}"' for c in cols)
        ws.con.execute(f'insert into "{table}" ({col_sql}) select {col_sql} from _bench')
        ws.con.unregister("_bench")
    ws.build_marts()


# the steps of fit_churn timed in the breakdown: (module, attribute, label); features are reported per date
# (the cutoff, today)
TIMED_STEPS = (
    ("insights.predictions.churn.fit", "churn_definition", "churn definition (window from purchase gaps)"),
    ("insights.predictions.churn.fit", "shop_features", "features as of {date}"),
    ("insights.predictions.churn.fit", "shop_labels", "labels"),
    ("insights.models.churn_model", "ChurnModel.fit", "model fits (model, recency baseline)"),
    ("insights.models.churn_model", "ChurnModel.predict_proba", "held-out predictions"),
    ("insights.predictions.churn.fit", "quality", "quality metrics"),
    ("insights.predictions.churn.fit", "calibration", "calibration tables"),
    ("insights.models.churn_model", "ChurnModel.score", "scoring today's customers"),
    ("insights.predictions.churn.fit", "explain_columns", "reasons"),
    ("insights.predictions.churn.watchlist", "expected_values", "expected values (trailing revenue)"),
    ("insights.predictions.churn.watchlist", "_segments", "segments"),
    ("insights.predictions.churn.watchlist", "Lookups.joined", "lookups joined to today's customers"),
    ("insights.predictions.churn.fit", "add_value_and_context", "watchlist: value at risk, actions, ranking"),
)


@contextmanager
def timed_steps(record: dict):
    """Wrap the functions of TIMED_STEPS so that each call adds its seconds to ``record`` (label -> seconds)."""
    import importlib
    saved = []
    for module_name, attr, label in TIMED_STEPS:
        module = importlib.import_module(module_name)
        owner, name = (getattr(module, attr.split(".")[0]), attr.split(".")[1]) if "." in attr else (module, attr)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)

        def wrapper(*args, _original=original, _label=label, **kwargs):
            key = _label.format(date=f"{pd.Timestamp(args[1]):%Y-%m-%d}") if "{date}" in _label else _label
            record.setdefault(key, 0.0)          # listed in order of first start
            t = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                record[key] = record.get(key, 0.0) + time.perf_counter() - t

        setattr(owner, name, functools.wraps(original)(wrapper))
        saved.append((owner, name, original))
    try:
        yield record
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--kind", default="logistic", choices=("logistic", "boosting"))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best and median printed)")
    args = parser.parse_args(argv)

    from insights.predictions.churn import fit_churn, write_churn_scores
    import sklearn.linear_model  # noqa: F401  (import time is not fit time)

    t0 = time.perf_counter()
    tables = synthetic_shop(args.customers)
    ws = Workspace.in_memory("bench")
    load(ws, tables)
    print(f"synthetic shop: {args.customers:,} customers, {len(tables['order_lines']):,} order lines, "
          f"{len(tables['feedback']):,} feedback rows, {len(tables['events']):,} events "
          f"(built and loaded in {time.perf_counter() - t0:.1f} s)")
    times, breakdowns = [], []
    for _ in range(args.repeat):
        with timed_steps({}) as steps:
            t = time.perf_counter()
            result = fit_churn(ws, kind=args.kind, with_bgnbd=False)
            times.append(time.perf_counter() - t)
        breakdowns.append(steps)
    t = time.perf_counter()
    result = fit_churn(ws, kind=args.kind, with_bgnbd=True)
    with_bgnbd_s = time.perf_counter() - t
    t = time.perf_counter()
    write_churn_scores(ws, result)
    write_s = time.perf_counter() - t
    m = result.metrics
    print(f"churn window: {result.definition.window_days} days; customers scored: {len(result.scores):,}")
    print(f"held-out ROC AUC: model {m['model']['roc_auc']:.3f}, recency alone {m['recency']['roc_auc']:.3f}"
          + (f", BG/NBD {m['bgnbd']['roc_auc']:.3f}" if "bgnbd" in m else ""))
    print(f"churn features + fit + scoring ({args.kind}): best {min(times):.2f} s, "
          f"median {float(np.median(times)):.2f} s over {len(times)} runs (target ≤ 2 s at 100k customers)")
    best = breakdowns[int(np.argmin(times))]
    print("per step, best run, in order of start (labels, today's features, expected values and segments run "
          "in a second thread, overlapping the rest: the steps do not add up to the total):")
    for label, seconds in best.items():
        print(f"    {seconds:6.3f} s  {label}")
    print(f"with the BG/NBD baseline for comparison (a second model, evaluation only): {with_bgnbd_s:.2f} s")
    print(f"writing churn_scores: {write_s:.2f} s")
    print(f"top reasons: {list(result.importance)[:4]}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS, whole process): {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
