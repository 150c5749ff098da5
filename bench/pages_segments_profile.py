"""Seconds to compute the Segmentation explorer's and Customer profile's data on UCI Online Retail.

    .venv/bin/python bench/pages_segments_profile.py [path/to/online_retail.csv.gz]

The raw CSV goes straight into order_lines (as tests/test_cohorts_real_data.py does); each figure is the best of
3 runs, plus a pandas reference for the RFM table.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights import clusters, lifecycle, profile, segment_builder, segments  # noqa: E402
from tests.test_cohorts_real_data import canonical_workspace, raw_frame  # noqa: E402
from tests.test_segments_real_data import reference_rfm  # noqa: E402


def best(fn, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared/data/uci_online_retail/online_retail.csv.gz")
    t = time.perf_counter()
    ws = canonical_workspace(path)
    print(f"load + marts: {time.perf_counter() - t:.2f} s")
    labels = segment_builder.customer_labels(ws)
    df = raw_frame(path)
    figures = {
        "rfm_table": lambda: segments.rfm_table(ws),
        "segment_table": lambda: segments.segment_table(ws),
        "lifecycle_stages": lambda: lifecycle.lifecycle_stages(ws),
        "transitions (lifecycle)": lambda: lifecycle.transitions(ws, "2011-06-01", "2011-12-01"),
        "customer_labels": lambda: segment_builder.customer_labels(ws),
        "select + compare (2 filters)": lambda: segment_builder.compare_segment(
            ws, [("country", "in", ["United Kingdom"]), ("orders", "ge", 2)], labels),
        "clusters (k by silhouette)": lambda: clusters.cluster_customers(ws),
        "find_customers('1234')": lambda: profile.find_customers(ws, "1234"),
        "customer_profile": lambda: profile.customer_profile(ws, "12347"),
        "pandas reference RFM": lambda: reference_rfm(df),
    }
    for name, fn in figures.items():
        print(f"{name:<32}{best(fn, 1 if 'clusters' in name else 3):8.3f} s")


if __name__ == "__main__":
    main()
