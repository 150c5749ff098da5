"""Seconds for the customer-value and churn pages' data: cold (the models fitted, as the first visit after an
upload did before models were a stage of the load) beside warm (a page opened again, in a new session or after
the background fit: the stored run read back whole), with peak memory.

    .venv/bin/python bench/pages_models.py                       # Online Retail (if present), 1M and 10M lines
    .venv/bin/python bench/pages_models.py --sizes 1000000

Workspaces are built as in bench/pages_kpis_cohorts.py. Per page:

- cold: on a freshly opened workspace with no stored run, the page's call with its default settings (CLV:
  ``run_clv`` without the backtest, which the page memoises apart; churn: ``churn_result``), which fits and stores;
- warm: the same call on another freshly opened connection (nothing memoised in the process), best of 3: the
  stored run is read back — no fit, no scoring.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from memory import peak_rss_mb  # noqa: E402
from pages_kpis_cohorts import build  # noqa: E402

from insights.core.workspace import Workspace  # noqa: E402
from insights.predictions.churn import churn_result  # noqa: E402
from insights.predictions.clv import run_clv  # noqa: E402


def clv_page(ws) -> bool:
    return run_clv(ws, with_backtest=False).from_cache


def churn_page(ws) -> bool:
    return churn_result(ws).model is None          # a stored run carries no model object


def timed(fn, folder: Path) -> tuple[float, bool]:
    ws = Workspace.open(folder)
    t0 = time.perf_counter()
    stored = fn(ws)
    seconds = time.perf_counter() - t0
    ws.close()
    return seconds, stored


def measure(name: str, folder: Path) -> list[dict]:
    rows = []
    for page, fn in (("clv", clv_page), ("churn", churn_page)):
        cold, cold_stored = timed(fn, folder)
        warm = [timed(fn, folder) for _ in range(3)]
        rows.append(dict(data=name, page=page, cold_s=round(cold, 3), cold_read_stored=cold_stored,
                         warm_s=round(min(s for s, _ in warm), 3), warm_read_stored=all(w for _, w in warm),
                         cold_over_warm=round(cold / min(s for s, _ in warm), 1), peak_rss_mb=round(peak_rss_mb())))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    from synthetic import order_lines

    tmp = Path(tempfile.mkdtemp(prefix="bench-models-"))
    results = []
    try:
        retail = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"
        if retail.exists():
            build(tmp / "online-retail", str(retail))
            results += measure("Online Retail (541,909 lines)", tmp / "online-retail")
        for size in args.sizes:
            table = order_lines(size, max(size // 10, 1000))
            build(tmp / f"synthetic-{size}", table)
            del table
            results += measure(f"synthetic {size:,} lines", tmp / f"synthetic-{size}")
            shutil.rmtree(tmp / f"synthetic-{size}", ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(pd.DataFrame(results).to_string(index=False))


if __name__ == "__main__":
    main()
