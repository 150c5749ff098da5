"""Seconds to build the insight feed once the marts exist, cold and warm, with peak memory and each detector's
share — on a 1M-line synthetic shop (bench/synthetic.py's layout) and on the bundled sample shop (which also has
web events and survey answers, so the funnel and feedback detectors do real work).

    .venv/bin/python bench/feed.py                       # 1M lines and the sample shop
    .venv/bin/python bench/feed.py --sizes 200000         # a smaller synthetic shop

The workspace is built first (load + marts, as an upload does); the feed is then measured in fresh child
processes, so peak resident memory is the feed's own, not the build's: cold = a newly opened workspace with no
stored findings (every detector runs; the findings are then stored in the workspace, ``insights.feed.stored``);
warm = another new process over the unchanged workspace (the findings are read; statuses and outcomes applied).
Each detector's own seconds are measured after the cold run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from insights.core.workspace import Workspace  # noqa: E402
from insights.feed import build_feed, default_as_of  # noqa: E402
from insights.feed.feed import DETECTORS  # noqa: E402


def measure(folder: Path, phase: str) -> dict:
    """Run in a child: ``cold`` drops the stored findings first and builds the feed (which stores them), then times
    each detector; ``warm`` builds the feed over the unchanged workspace in a new process (read from the store)."""
    ws = Workspace.open(folder)
    if phase == "cold":
        ws.con.execute("drop table if exists feed_results")
    t0 = time.perf_counter()
    feed = build_feed(ws)
    seconds = time.perf_counter() - t0
    out = {f"{phase}_s": round(seconds, 2), "insights": len(feed)}
    if phase == "cold":
        as_of = default_as_of(ws)
        detectors = {}
        for name, detector in DETECTORS.items():
            t0 = time.perf_counter()
            detector(ws, as_of)
            detectors[name] = round(time.perf_counter() - t0, 2)
        out["per_detector_s"] = detectors
    ws.close()
    out[f"{phase}_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def child(folder: Path) -> dict:
    """Cold, then warm, each in a fresh process (so peak memory is the feed's own, not the build's)."""
    out = {}
    for phase in ("cold", "warm"):
        run = subprocess.run([sys.executable, __file__, "--measure", str(folder), "--phase", phase],
                             capture_output=True, text=True, check=True)
        out.update(json.loads(run.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000])
    parser.add_argument("--no-sample", action="store_true", help="skip the sample shop")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--phase", default="cold", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.phase)))
        return
    from pages_kpis_cohorts import build
    from synthetic import order_lines
    from insights.ingest.sample import ensure_sample_workspace

    tmp = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    rows = []
    try:
        if not args.no_sample:
            folder = ensure_sample_workspace(tmp / "cache")
            rows.append({"data": "sample shop (events + feedback)", "marts_build_s": None, **child(folder)})
        for size in args.sizes:
            folder = tmp / f"synthetic-{size}"
            marts = build(folder, order_lines(size, max(size // 10, 1000)))
            rows.append({"data": f"synthetic {size:,} lines", "marts_build_s": round(marts, 1), **child(folder)})
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
