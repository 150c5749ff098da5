"""Peak memory of the current process, for the benchmarks — and, run as a script, where a load's peak comes from.

    .venv/bin/python bench/memory.py --lines 2000000                  # one synthetic file, peak per step
    .venv/bin/python bench/memory.py --lines 10000000 --files 2       # 10M lines as two 5M-line files

The script loads synthetic order lines (bench/synthetic.py) into a new workspace in a child process while a
sampler thread reads the resident set (``VmRSS``) every 20 ms and keeps the highest value seen during each step
of the load (the steps are the progress texts of the load itself), then fits the models
(:func:`insights.predictions.refresh.refresh_models`). It prints the peak per step, the overall peak (``VmHWM``)
and DuckDB's memory limit.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    """This process's peak resident set since it started, in MB (``VmHWM``).

    ``ru_maxrss`` is not used where ``/proc`` is available: on Linux it survives ``exec``, so a measuring
    subprocess started by a parent that holds a big table reports the parent's memory as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident set now, in MB (``VmRSS``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class StepPeaks:
    """Samples the resident set in a thread; the highest value per step name (set with :meth:`step`)."""

    def __init__(self, every: float = 0.02):
        self.every, self.name, self.peaks, self.started = every, "start", {}, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "StepPeaks":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def step(self, name: str) -> None:
        name = name.split("…")[0].split(" orders_")[0]        # "Saving orders_2.csv…" → "Saving"
        self.name = name
        self.started.setdefault(name, time.perf_counter())

    def _run(self) -> None:
        while not self._stop.is_set():
            now = rss_mb()
            if now > self.peaks.get(self.name, 0.0):
                self.peaks[self.name] = now
            time.sleep(self.every)


def child(paths: list[str], duckdb_memory: str | None = None) -> dict:
    sys.path.insert(0, str(ROOT))
    from insights.core.workspace import Workspace
    from insights.ingest import ingest_files
    from insights.predictions.refresh import refresh_models

    out = {}
    with tempfile.TemporaryDirectory() as tmp, StepPeaks() as peaks:
        ws = Workspace.create("memory", root=tmp)
        if duckdb_memory:
            ws.con.execute(f"set memory_limit = '{int(duckdb_memory)}MB'")     # a number: fixed text
        out["duckdb_memory_limit"] = ws.con.execute("select current_setting('memory_limit')").fetchone()[0]
        t0 = time.perf_counter()
        ingest_files(ws, paths, progress=lambda f, text: peaks.step("load: " + text))
        out["load_s"] = round(time.perf_counter() - t0, 1)
        peaks.step("models")
        t0 = time.perf_counter()
        refresh_models(ws, lambda f, text: peaks.step("models: " + text.split(":")[0]))
        out["models_s"] = round(time.perf_counter() - t0, 1)
        ws.close()
    out["peak_by_step_mb"] = {k: round(v) for k, v in peaks.peaks.items()}
    out["peak_mb"] = round(peak_rss_mb())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--customers", type=int, help="default: lines / 10")
    parser.add_argument("--files", type=int, default=1, help="split the lines into this many files")
    parser.add_argument("--duckdb-memory", type=int, metavar="MB", help="DuckDB's memory_limit for the load")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.duckdb_memory)))
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import order_lines, write

    with tempfile.TemporaryDirectory() as tmp:
        table = order_lines(args.lines, args.customers or args.lines // 10)
        per = -(-table.num_rows // args.files)
        paths = [str(write(table.slice(i * per, per), Path(tmp) / f"orders_{i + 1}.csv")) for i in range(args.files)]
        del table
        size = sum(Path(p).stat().st_size for p in paths) / 1e6
        print(f"{args.lines:,} lines in {args.files} file(s), {size:,.0f} MB", flush=True)
        extra = ["--duckdb-memory", str(args.duckdb_memory)] if args.duckdb_memory else []
        proc = subprocess.run([sys.executable, __file__, *extra, "--child", *paths], capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
            sys.exit(proc.returncode)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        for name, mb in result.pop("peak_by_step_mb").items():
            print(f"  {name:<45} {mb:>7,} MB")
        print(json.dumps(result))


if __name__ == "__main__":
    main()
