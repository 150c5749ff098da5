"""What the owner's preview costs: the real load rolled back (``preview_load``) against the load itself
(``load_prepared``) and the one-pass gated load the command line uses (``load_unless_unsure``), each into a fresh
workspace folder on disk; median of ``--runs`` runs.

    .venv/bin/python bench/preview.py sample_data/orders.csv sample_data/customers.csv
    .venv/bin/python bench/preview.py /tmp/orders_1m.csv --runs 3     # bench/synthetic.py writes it
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from insights.core.workspace import Workspace  # noqa: E402
from insights.ingest import load_prepared, prepare_file  # noqa: E402
from insights.ingest.preview import load_unless_unsure, preview_load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds: dict[str, list[float]] = {"prepare": [], "preview": [], "load": [], "load_unless_unsure": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            ws = Workspace.create_at(Path(folder) / "a")
            started = time.perf_counter()
            plans = [prepare_file(f, ws=ws) for f in args.files]
            seconds["prepare"].append(time.perf_counter() - started)
            started = time.perf_counter()
            preview_load(ws, plans)
            seconds["preview"].append(time.perf_counter() - started)
            started = time.perf_counter()
            load_prepared(ws, plans)
            seconds["load"].append(time.perf_counter() - started)
            ws.close()
            ws = Workspace.create_at(Path(folder) / "b")
            plans = [prepare_file(f, ws=ws) for f in args.files]
            started = time.perf_counter()
            load_unless_unsure(ws, plans, confirmed=True)
            seconds["load_unless_unsure"].append(time.perf_counter() - started)
            ws.close()
    medians = {step: statistics.median(values) for step, values in seconds.items()}
    print(" ".join(f"{step} {value:.2f}s" for step, value in medians.items())
          + f"; preview/load {medians['preview'] / medians['load']:.2f}")


if __name__ == "__main__":
    main()
