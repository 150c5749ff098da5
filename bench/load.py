"""Several people on one hosted Clueboard at once: the server's own cost per page view, 1 vs 10 vs 25 sessions.

    .venv/bin/python bench/load.py                      # Online Retail (if ../shared is there), else 500k lines
    .venv/bin/python bench/load.py --lines 200000 --sessions 1 10 --pages home kpis

Each session is a Streamlit AppTest client in its own process (the page scripts run exactly as the server runs
them, without a browser's cost on the same two cores; AppTest keeps one runtime per process, so sessions cannot
share one) with its own read-only connection to one shared workspace file, as hosted sessions of one team read it. Every session opens each page in turn, twice (the second
visit is what a person clicking around sees: the session's memo is warm); the code is imported first, by a
throwaway session in the same process, as a server imports it once. Printed per number of sessions: p50 and
p95 of a page view, the ratio to one session alone measured in the same run, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from streamlit.testing.v1 import AppTest  # noqa: E402

import synthetic  # noqa: E402
from insights.core.workspace import Workspace  # noqa: E402
from insights.ingest.load.batch import load_prepared  # noqa: E402
from insights.ingest.prepare import prepare_file  # noqa: E402
from insights.ui.session import WORKSPACE_KEY  # noqa: E402

PAGES = ["home", "kpis", "segments", "cohorts", "profile"]
RETAIL = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"


def build(folder: Path, lines: int) -> tuple[str, Path]:
    ws = Workspace.create("Load test shop", root=folder)
    if lines == 0 and RETAIL.exists():
        source, label = RETAIL, "UCI Online Retail (541,909 lines)"
    else:
        lines = lines or 500_000
        source = synthetic.write(synthetic.order_lines(lines, max(1, lines // 10)), folder / "orders.csv")
        label = f"synthetic, {lines:,} lines"
    load_prepared(ws, [prepare_file(source, kind="transactions", ws=ws)])
    ws.ensure_marts()
    path = ws.path
    ws.close()
    return label, path


def session(path: Path, pages: list[str]) -> tuple[list[float], list[str]]:
    """One person: the app (``app.py``, its router and sidebar) opened on the workspace, each page in turn, twice."""
    times, errors = [], []
    ws = Workspace.open(path, read_only=True)
    try:
        # a server imports the code once: a throwaway session in this process opens every page first (its own
        # session state, so the timed session below starts with nothing computed)
        warm = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        warm.session_state[WORKSPACE_KEY] = ws
        for page in pages:
            warm.switch_page(f"app_pages/{page}.py").run()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        at.session_state[WORKSPACE_KEY] = ws
        for _ in range(2):
            for page in pages:
                at.switch_page(f"app_pages/{page}.py")
                start = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - start)
                errors.extend(f"{page}: {e.value}" for e in at.exception)
    finally:
        ws.close()
    return times, errors


def run(path: Path, sessions: int, pages: list[str]) -> tuple[list[float], list[str], float]:
    times: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=sessions, mp_context=multiprocessing.get_context("spawn")) as pool:
        for got_times, got_errors in pool.map(session, [path] * sessions, [pages] * sessions):
            times += got_times
            errors += got_errors
    return times, errors, time.perf_counter() - start


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=0, help="synthetic lines (default: Online Retail if present)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--pages", nargs="+", default=PAGES)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="clueboard-load-"))
    try:
        label, path = build(tmp, args.lines)
        print(f"{label}; pages {', '.join(args.pages)}; each session visits each page twice")
        print(f"{'sessions':>8} {'views':>6} {'p50 s':>7} {'p95 s':>7} {'p95 ÷ alone p50':>16} {'wall s':>7} "
              f"{'errors':>6}")
        alone = None
        for n in args.sessions:
            times, errors, wall = run(path, n, args.pages)
            p50, p95 = quantile(times, 0.50), quantile(times, 0.95)
            alone = alone or p50
            print(f"{n:>8} {len(times):>6} {p50:>7.2f} {p95:>7.2f} {p95 / alone:>15.1f}× {wall:>7.1f} {len(errors):>6}",
                  flush=True)
            for e in errors[:3]:
                print("   error:", e[:200])
        print(f"peak memory of one session's process: "
              f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
