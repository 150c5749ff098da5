"""Model speed and memory: CLV (BG/NBD + Gamma-Gamma fit and per-customer predictions) and churn
(features, fit and scoring), each in its own process.

    .venv/bin/python bench/models.py
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [["models_clv.py", "--customers", "100000", "1000000"], ["models_churn.py", "--customers", "100000"]]

if __name__ == "__main__":
    status = 0
    for script, *args in RUNS:
        print(f"\n=== {script} {' '.join(args)} ===", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / script), *args])
    sys.exit(status)
