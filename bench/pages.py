"""Every page's data, cold and warm, peak memory and the pandas ratio: runs the per-page benchmarks in turn.

    .venv/bin/python bench/pages.py                 # Online Retail (if ../shared is there), 1M and 10M lines
    .venv/bin/python bench/pages.py --sizes 1000000

Each script runs in its own process so that its peak memory is its own.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["pages_kpis_cohorts.py", "pages_segments_profile.py", "pages_models.py"]

if __name__ == "__main__":
    status = 0
    for script in SCRIPTS:
        print(f"\n=== {script} ===", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / script), *sys.argv[1:]])
    sys.exit(status)
