"""Seconds to compute the KPI scorecard's and the cohort heatmaps' data, cold and warm, with peak memory and
the ratio against a straightforward pandas implementation of the same tables.

    .venv/bin/python bench/pages_kpis_cohorts.py                      # Online Retail (if present), 1M, 10M
    .venv/bin/python bench/pages_kpis_cohorts.py --sizes 1000000      # only a 1M-line synthetic workspace

Workspaces are built from canonical order lines (bench/synthetic.py's layout put straight into
``order_lines``), marts built once as after an upload; then each page's data is computed on a freshly opened
workspace (cold: new connection, nothing cached) and again on the same connection (warm). "Page data" is
what the page computes before drawing:

- KPI scorecard: kpi_table(month) + compare_periods(last month) + revenue_bridge(previous → last month)
  + demand_heatmap.
- Cohort heatmaps: cohort_table(month, retention).

Peak memory is the process's maximum resident set size after the step (it only grows).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from insights.performance import cohorts
from insights.performance import kpis  # noqa: E402
from insights.core.workspace import Workspace  # noqa: E402

LOAD_SQL = """
insert into order_lines (line_id, source_file, source_row, order_id, customer_id, ordered_at, product_id,
                         product_name, category, quantity, unit_price, revenue, currency, country,
                         is_cancellation, is_return, is_non_product, is_guest)
select
    row_number() over (), 'bench', row_number() over () + 1,
    InvoiceNo,
    nullif(regexp_replace(CAST(CustomerID AS VARCHAR), '\\.0$', ''), ''),
    cast(InvoiceDate as timestamp),
    StockCode, Description, split_part(Description, ' ', 1),
    cast(Quantity as decimal(18,4)), cast(UnitPrice as decimal(18,4)),
    cast(Quantity as decimal(18,4)) * cast(UnitPrice as decimal(18,4)),
    'GBP', Country, starts_with(InvoiceNo, 'C'), false, false,
    nullif(CAST(CustomerID AS VARCHAR), '') is null
from incoming
"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(folder: Path, source) -> float:
    """Load ``source`` (an arrow table or a CSV path) into a new workspace; return seconds to build marts."""
    ws = Workspace.create_at(folder, folder.name)
    if isinstance(source, str):
        import pyarrow as pa
        import pyarrow.csv as pacsv
        source = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(column_types={
            "InvoiceNo": pa.string(), "StockCode": pa.string(), "CustomerID": pa.string(),
            "InvoiceDate": pa.string(), "UnitPrice": pa.string()}))
    ws.con.register("incoming", source)
    with ws.transaction() as con:
        con.execute(LOAD_SQL)
    t0 = time.perf_counter()
    ws.build_marts()
    seconds = time.perf_counter() - t0
    ws.close()
    return seconds


def kpi_page(ws) -> None:
    table = kpis.kpi_table(ws, "month")
    last = table["period"].iloc[-1]
    kpis.compare_periods(ws, "month", last, table=table)
    kpis.revenue_bridge(ws, kpis.shift_period(last, "month", -1), last)
    kpis.demand_heatmap(ws)


def cohort_page(ws) -> None:
    cohorts.cohort_table(ws, "month", "retention")


def pandas_kpi(lines: pd.DataFrame) -> None:
    """Monthly active/new customers, orders, net revenue, AOV straight from the lines."""
    inv = lines.groupby("order_id").agg(customer=("customer_id", "first"), at=("ordered_at", "min"),
                                        revenue=("revenue", "sum"), cancelled=("is_cancellation", "all"))
    inv["month"] = inv["at"].dt.to_period("M")
    orders = inv[~inv["cancelled"]]
    first = orders.groupby("customer")["month"].min()
    out = inv.groupby("month")["revenue"].sum().to_frame()
    out["orders"] = orders.groupby("month").size()
    out["active"] = orders.groupby("month")["customer"].nunique()
    out["new"] = first.value_counts()
    out["aov"] = out["revenue"] / out["orders"]


def pandas_cohorts(lines: pd.DataFrame) -> None:
    inv = lines.groupby("order_id").agg(customer=("customer_id", "first"), at=("ordered_at", "min"),
                                        cancelled=("is_cancellation", "all"))
    orders = inv[~inv["cancelled"] & inv["customer"].notna()].copy()
    orders["month"] = orders["at"].dt.to_period("M")
    first = orders.groupby("customer")["month"].min().rename("cohort")
    active = orders[["customer", "month"]].drop_duplicates().join(first, on="customer")
    active["k"] = (active["month"] - active["cohort"]).map(lambda d: d.n)
    grid = active.groupby(["cohort", "k"]).size().unstack()
    grid.div(first.value_counts(), axis=0)


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def measure(name: str, folder: Path, marts_s: float, with_pandas: bool = True) -> list[dict]:
    rows = []
    for page, fn, pandas_fn in (("kpis", kpi_page, pandas_kpi), ("cohorts", cohort_page, pandas_cohorts)):
        ws = Workspace.open(folder)
        cold = timed(fn, ws)
        warm = min(timed(fn, ws) for _ in range(3))
        ratio = None
        if with_pandas:
            lines = ws.con.execute("select order_id, customer_id, ordered_at, revenue::double as revenue, "
                                   "is_cancellation from order_lines").df()
            pandas_s = timed(pandas_fn, lines)
            ratio = pandas_s / warm
            del lines
        ws.close()
        rows.append(dict(data=name, page=page, marts_build_s=round(marts_s, 2), cold_s=round(cold, 3),
                         warm_s=round(warm, 3), pandas_s=round(pandas_s, 3) if with_pandas else None,
                         pandas_over_warm=round(ratio, 1) if ratio else None, peak_rss_mb=round(peak_mb())))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline (saves memory)")
    args = parser.parse_args()
    from synthetic import order_lines

    tmp = Path(tempfile.mkdtemp(prefix="bench-kpis-"))
    results = []
    try:
        retail = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"
        if retail.exists():
            marts = build(tmp / "online-retail", str(retail))
            results += measure("Online Retail (541,909 lines)", tmp / "online-retail", marts, not args.no_pandas)
        for size in args.sizes:
            table = order_lines(size, max(size // 10, 1000))
            marts = build(tmp / f"synthetic-{size}", table)
            del table
            results += measure(f"synthetic {size:,} lines", tmp / f"synthetic-{size}", marts, not args.no_pandas)
            shutil.rmtree(tmp / f"synthetic-{size}", ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(pd.DataFrame(results).to_string(index=False))


if __name__ == "__main__":
    main()
