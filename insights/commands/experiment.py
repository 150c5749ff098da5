"""Did the change work? Analyse an A/B test's result file: each variant against the control, the verdict in words.

    python -m insights experiment --file F [--variant COL] [--control LABEL] [--metric COL ...] [--split 50/50]
                                  [--sequential] [--robust] [--json]
"""

from __future__ import annotations

import argparse

from insights.commands._common import print_json
from insights.experiments.analysis import analyse
from insights.experiments.result_file import ExperimentError, read_result_file
from insights.ingest.errors import IngestError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", required=True, metavar="F", help="the result file: one row per user or recipient")
    parser.add_argument("--variant", metavar="COL", help="the column that says who got what (default: detected)")
    parser.add_argument("--control", metavar="LABEL", help="the control's label (default: control, holdout, A …)")
    parser.add_argument("--metric", action="append", metavar="COL",
                        help="an outcome column (repeatable; default: every yes/no or numeric column)")
    parser.add_argument("--split", metavar="SPLIT", help="the planned split, control first (default equal: 50/50)")
    parser.add_argument("--sequential", action="store_true",
                        help="always-valid intervals and p-values, safe to look at every day (mixture SPRT)")
    parser.add_argument("--robust", action="store_true",
                        help="cap amounts at the 99th percentile of buyers' values (and refunds below)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def run(args: argparse.Namespace) -> int:
    try:
        data = read_result_file(args.file, variant=args.variant, control=args.control, metrics=args.metric)
        result = analyse(data, split=args.split, sequential=args.sequential, robust=args.robust)
    except (ExperimentError, IngestError) as exc:
        raise SystemExit(str(exc)) from None
    if args.json:
        print_json(result.to_dict())
        return 0
    print(result.verdict)
    print()
    for line in result.details:
        print(f"  {line}")
    split = " vs ".join(f"{lab} {n:,}" for lab, n in zip(data.labels, result.srm.units))
    print(f"\nUnits: {split} (split check p = {result.srm.p_value:.2g}"
          f"{', FLAGGED' if result.srm.flagged else ''})")
    for e in data.exclusions:
        print(f"Excluded {e['rows']:,} rows: {e['reason']}")
    return 0
