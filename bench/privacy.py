"""Privacy benchmark on Online Retail (541,909 lines): how long one erasure takes — finding the person, the
transaction, rebuilding the marts, rewriting the workspace file and scanning every table and byte — and a
retention dry run and run.

    .venv/bin/python bench/privacy.py                       # the shared dataset, customer 17850 erased
    .venv/bin/python bench/privacy.py --customer 12347

The load itself is not timed. Online Retail has customer ids but no e-mails or phones: the scan looks for the id.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights.core.workspace import Workspace  # noqa: E402
from insights.ingest.prepare import ingest_files  # noqa: E402
from insights.privacy.erasure import erase  # noqa: E402
from insights.privacy.retention import RetentionPolicy, apply_retention  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customer", default="17850")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create("Online Retail", root=tmp)
        ingest_files(ws, [DATA])
        lines = ws.con.execute("select count(*) from order_lines").fetchall()[0][0]
        size = (ws.path / "clueboard.duckdb").stat().st_size
        start = time.perf_counter()
        receipt = erase(ws, customer_id=args.customer, actor="bench")
        took = time.perf_counter() - start
        print(f"{lines:,} lines, file {size / 1e6:,.1f} MB; erasing customer {args.customer}: {took:.1f} s "
              f"({receipt.removed['order_lines']:,} lines held them; scan clean: {receipt.clean}; "
              f"file rewritten: {receipt.file_rewritten})")
        rules = RetentionPolicy(12, 6)
        today = dt.date(2012, 6, 9)         # a year after the data's last order: half of it is older
        start = time.perf_counter()
        dry = apply_retention(ws, dry_run=True, today=today, override=rules)
        dry_took = time.perf_counter() - start
        start = time.perf_counter()
        real = apply_retention(ws, today=today, override=rules)
        real_took = time.perf_counter() - start
        print(f"retention 12 months as of {today}: dry run {dry_took:.1f} s, run {real_took:.1f} s — "
              f"{real.counts['order_lines_anonymised']:,} lines kept without their customer, "
              f"{real.counts['customers_removed']:,} customers' records removed (same counts in the dry run: "
              f"{dry.counts['order_lines_anonymised'] == real.counts['order_lines_anonymised']})")
        ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
