"""Seconds to compute the Segmentation explorer's and the Customer profile's data, cold and warm, with peak memory
and the ratio against a straightforward pandas implementation of the RFM table.

    .venv/bin/python bench/pages_segments_profile.py                        # Online Retail (if present), 1M, 10M
    .venv/bin/python bench/pages_segments_profile.py --sizes 1000000        # Online Retail + a 1M-line workspace

Workspaces are built as in bench/pages_kpis_cohorts.py (canonical order lines straight into ``order_lines``,
marts built once as after an upload; synthetic data from bench/synthetic.py with lines/10 customers). Each
page's data is computed on a freshly opened workspace (cold: new connection, nothing memoised) and again on the
same connection (warm: best of 3). In the app the pages memoise per session, so a re-view costs nothing.

- segments, RFM tab (what the first view computes: only the open tab runs): rfm_table, segment_summary
- segments, lifecycle / clusters / builder tab alone (each from scratch, RFM included, as when a tab is the first
  thing opened): lifecycle_stages + thresholds + transitions (180 days before the last order → last);
  cluster_customers (k by silhouette over 2..8 on a 2,000-customer sample, then k-means on all); customer_labels,
  field values, flag_customers + compare_segment for the top country, export counts
- segments, all four tabs in one session (results reused between tabs, as the page's memo does)
- profile: find_customers (an id fragment), customer_profile of the biggest spender (RFM + stages included, as
  when the profile is opened first; the page reuses the segments page's RFM and stages when memoised)

First, ``find_customers`` on a workspace of 100,000 CRM customers (ms per search).

``pandas_rfm_s`` is the RFM table (recency, frequency, monetary, 1-5 scores) computed from the order lines with
pandas alone; ``pandas_over_warm`` divides it by our warm RFM time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages_kpis_cohorts import build, peak_mb  # noqa: E402

from insights.customers import clusters
from insights.customers import export
from insights.customers import lifecycle
from insights.customers import profile
from insights.customers import segment_builder
from insights.customers import segments  # noqa: E402
from insights.core.workspace import Workspace  # noqa: E402


def rfm_tab(ws):
    """First view of the page: only the open tab runs, and that is this one."""
    rfm = segments.rfm_table(ws)
    segments.segment_summary(rfm)
    return rfm


def lifecycle_tab(ws, rfm=None):
    last = segments.default_as_of(ws)
    rfm = segments.rfm_table(ws) if rfm is None else rfm     # the page has it memoised from the first view
    stages = lifecycle.lifecycle_stages(ws, last, lifecycle.shop_thresholds(ws, last))
    lifecycle.transitions(ws, last - dt.timedelta(days=180), last)
    return stages


def clusters_tab(ws, rfm=None):
    clusters.cluster_customers(ws, rfm=segments.rfm_table(ws) if rfm is None else rfm)


def builder_tab(ws, rfm=None, stages=None):
    rfm = segments.rfm_table(ws) if rfm is None else rfm
    stages = lifecycle.lifecycle_stages(ws) if stages is None else stages
    labels = segment_builder.customer_labels(ws, rfm=rfm, stages=stages)
    for field in ("country", "channel", "category"):
        segment_builder.field_values(ws, field, labels)
    top_country = segment_builder.field_values(ws, "country", labels)[:1]
    spec = [("country", "in", top_country)] if top_country else []
    flagged = segment_builder.flag_customers(ws, spec, labels)
    segment_builder.compare_segment(ws, spec, labels, flagged=flagged)
    export.segment_contacts(ws, spec, True, labels, customers=flagged[flagged["in_segment"]])


def all_tabs(ws):
    """Every tab in turn in one session (each result memoised and reused, as the page does)."""
    rfm = rfm_tab(ws)
    stages = lifecycle_tab(ws, rfm)
    clusters_tab(ws, rfm)
    builder_tab(ws, rfm, stages)


def profile_page(ws):
    top = ws.con.execute("select customer_id from customers order by net_revenue desc limit 1").fetchall()[0][0]
    profile.find_customers(ws, str(top)[1:4])
    profile.customer_profile(ws, top)


# each tab alone computes what it needs from scratch (as when opened first by a deep link)
STEPS = [("segments: RFM tab (first view)", rfm_tab), ("segments: lifecycle tab alone", lifecycle_tab),
         ("segments: clusters tab alone", clusters_tab), ("segments: builder tab alone", builder_tab),
         ("segments: all four tabs", all_tabs), ("profile", profile_page)]


def pandas_rfm(lines: pd.DataFrame) -> pd.DataFrame:
    """The RFM table from order lines with pandas alone (same definitions and tie rule)."""
    inv = lines.groupby("order_id").agg(customer=("customer_id", "first"), at=("ordered_at", "min"),
                                        revenue=("revenue", "sum"), cancelled=("is_cancellation", "all"))
    inv = inv[inv["customer"].notna()]
    orders = inv[~inv["cancelled"]]
    as_of = orders["at"].dt.normalize().max() + pd.Timedelta(days=1)
    per = pd.DataFrame({"frequency": orders.groupby("customer").size(),
                        "last": orders.groupby("customer")["at"].max().dt.normalize()})
    per["monetary"] = inv.groupby("customer")["revenue"].sum().reindex(per.index)
    per["recency_days"] = (as_of - per["last"]).dt.days
    for col, values in (("r", -per["recency_days"]), ("f", per["frequency"]), ("m", per["monetary"])):
        pr = (values.rank(method="min") - 1) / max(len(values) - 1, 1)
        per[f"{col}_score"] = np.minimum(5, 1 + np.floor(5 * pr)).astype(int)
    return per


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def measure(name: str, folder: Path, marts_s: float, with_pandas: bool) -> list[dict]:
    rows = []
    for page, fn in STEPS:
        ws = Workspace.open(folder)
        cold = timed(fn, ws)
        warm = min(timed(fn, ws) for _ in range(1 if "clusters" in page or "all four" in page else 3))
        row = dict(data=name, page=page, marts_build_s=round(marts_s, 2), cold_s=round(cold, 3), warm_s=round(warm, 3))
        if with_pandas and page.startswith("segments: RFM tab"):
            lines = ws.con.execute("select order_id, customer_id, ordered_at, revenue::double as revenue, "
                                   "is_cancellation from order_lines").df()
            pandas_s = timed(pandas_rfm, lines)
            del lines
            row.update(pandas_rfm_s=round(pandas_s, 3), pandas_over_warm=round(pandas_s / warm, 1))
        customers = ws.con.execute("select count(*) from customers").fetchall()[0][0]
        ws.close()
        rows.append(dict(row, customers=customers, peak_rss_mb=round(peak_mb())))
    return rows


def search_100k() -> list[dict]:
    """find_customers on 100,000 CRM customers (names with accents, emails, phones): ms per search, best of 5."""
    ws = Workspace.in_memory()
    ws.con.execute("""
        insert into customer_records (record_id, source_file, source_row, customer_id, source_customer_id, name,
                                      email, phone, country)
        select i, 'bench', i + 2, 'C' || (100000 + i), 'C' || (100000 + i), 'Name' || i || ' Müller',
               'user' || i || '@example.com', '+49151' || lpad(cast(i as varchar), 7, '0'), 'Germany'
        from range(100000) t(i)""")
    ws.build_marts()
    rows = []
    for query in ("muller", "user4242@", "C142", "+49 151 00042", "nobody"):
        profile.find_customers(ws, query)
        best = min(timed(profile.find_customers, ws, query) for _ in range(5))
        rows.append(dict(query=query, matches=len(profile.find_customers(ws, query)), ms=round(best * 1000, 1)))
    ws.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline (saves memory)")
    parser.add_argument("--no-retail", action="store_true", help="skip UCI Online Retail")
    args = parser.parse_args()
    from synthetic import order_lines

    print("Customer search on 100,000 customers:")
    print(pd.DataFrame(search_100k()).to_string(index=False), flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-segments-"))
    results = []
    try:
        retail = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"
        if retail.exists() and not args.no_retail:
            marts = build(tmp / "online-retail", str(retail))
            results += measure("Online Retail (541,909 lines)", tmp / "online-retail", marts, not args.no_pandas)
        for size in args.sizes:
            table = order_lines(size, max(size // 10, 1000))
            marts = build(tmp / f"synthetic-{size}", table)
            del table
            results += measure(f"synthetic {size:,} lines", tmp / f"synthetic-{size}", marts, not args.no_pandas)
            shutil.rmtree(tmp / f"synthetic-{size}", ignore_errors=True)
            print(pd.DataFrame(results).to_string(index=False), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(pd.DataFrame(results).to_string(index=False))


if __name__ == "__main__":
    main()
