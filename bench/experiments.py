"""Experiments benchmark: a 1M-row result file (id, variant, yes/no, money as text) analysed end to end — read
with the ingest readers, checked, compared, verdict — in seconds, with the process's peak memory.

    .venv/bin/python bench/experiments.py                    # 1,000,000 rows, numeric layout, 3 runs
    .venv/bin/python bench/experiments.py --rows 200000 --layout mailchimp --runs 5

The file is written first (not timed) by ``insights.experiments.simulate``; each run reads it from disk.
Peak memory is ``VmHWM`` (the process's peak resident set, Python and libraries included). Target: ≤ 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights.experiments.analysis import analyse  # noqa: E402
from insights.experiments.result_file import read_result_file  # noqa: E402
from insights.experiments.simulate import LAYOUTS, result_file_text  # noqa: E402

TARGET_SECONDS = 2.0


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="numeric")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        Path(args.write).write_text(result_file_text(args.rows, baseline=0.05, lift=0.05, layout=args.layout,
                                                     random_state=7), encoding="utf-8")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.csv"
        # written by another process, so that this one's peak memory is the analysis's own
        subprocess.run([sys.executable, __file__, "--write", str(path), "--rows", str(args.rows), "--layout",
                        args.layout], check=True)
        before = _peak_mb()
        times, read_times = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            data = read_result_file(path)
            read_done = time.perf_counter()
            result = analyse(data, robust=True)
            times.append(time.perf_counter() - start)
            read_times.append(read_done - start)
        size = path.stat().st_size / 1e6
    median = statistics.median(times)
    print(f"{args.rows:,} rows ({args.layout}, {size:,.1f} MB): median {median:.2f} s over {args.runs} runs "
          f"(best {min(times):.2f} s; reading and checking {statistics.median(read_times):.2f} s), "
          f"peak memory {_peak_mb():,.0f} MB (before the runs {before:,.0f} MB); target ≤ {TARGET_SECONDS:g} s: "
          f"{'met' if median <= TARGET_SECONDS else 'MISSED'}")
    print(result.verdict)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
