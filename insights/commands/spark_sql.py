"""Write every mart's SQL as Spark SQL (translated from the DuckDB files), in build order, for a Spark cluster.

    python -m insights spark-sql --out FOLDER [--json]

FOLDER/NN_<mart>.sql, one per mart and intermediate table, numbered in the order they must be built (a mart may
read the marts before it). Each is one SELECT over the canonical tables (order_lines, customer_records, events,
feedback, order_money, order_attributes, files, workspace_meta: see export-parquet) and the marts before it;
create each as a table or view named <mart>. docs/SCALE.md says how.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from insights.commands._common import print_json
from insights.core.workspace import build_steps
from insights.scale.portable import spark_sql


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="FOLDER", help="folder to write the .sql files to")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def run(args: argparse.Namespace) -> int:
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, (kind, name) in enumerate(build_steps(), start=1):
        path = folder / f"{number:02d}_{name}.sql"
        path.write_text(f"-- {name}: insights/sql/{kind}/{name}.sql translated to Spark SQL\n"
                        + spark_sql(f"{kind}/{name}.sql") + "\n", encoding="utf-8")
        written.append(path.name)
    if args.json:
        print_json({"folder": str(folder), "files": written})
    else:
        print(f"Wrote {len(written)} Spark SQL files to {folder}: {', '.join(written)}")
    return 0
