"""Did the change work? Analyse an A/B test's result file, or a campaign list against the orders that followed.

    python -m insights experiment --file F [--variant COL] [--control LABEL] [--metric COL ...] [--split 50/50]
                                  [--sequential] [--robust] [--planned N] [--json]
    python -m insights experiment --workspace W --treated LIST [--window-days 30] [--pre-days 365]
                                  [--sent YYYY-MM-DD] [--variant COL] [--control LABEL] [--split 90/10] [--json]

A campaign list has one row per customer: the group (treated / control …), the customer's e-mail or id, and the
send date (a column such as sent_at, or --sent for the whole list). Outcomes come from the workspace's orders in
the window after each send, adjusted for each customer's own orders before it (CUPED).
"""

from __future__ import annotations

import argparse

from insights.commands._common import open_workspace, print_json, whole_days
from insights.experiments.analysis import analyse
from insights.experiments.campaign import analyse_campaign, read_assignment
from insights.experiments.result_file import ExperimentError, read_result_file
from insights.ingest.errors import IngestError
from insights.performance.kpis import workspace_currency


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", metavar="F", help="the result file: one row per user or recipient")
    source.add_argument("--treated", metavar="LIST",
                        help="a campaign list (who got it, who was held back, when) read against --workspace")
    parser.add_argument("--workspace", metavar="PATH", help="the workspace whose orders measure a --treated list")
    parser.add_argument("--window-days", type=whole_days, default=30, metavar="N",
                        help="days after the send in which orders count (default 30)")
    parser.add_argument("--pre-days", type=whole_days, default=365, metavar="N",
                        help="days before the send used to adjust each customer's outcome (default 365)")
    parser.add_argument("--sent", metavar="YYYY-MM-DD", help="the send date, when the list has no date column")
    parser.add_argument("--variant", metavar="COL", help="the column that says who got what (default: detected)")
    parser.add_argument("--control", metavar="LABEL", help="the control's label (default: control, holdout, A …)")
    parser.add_argument("--metric", action="append", metavar="COL",
                        help="an outcome column of a result file (repeatable; default: every yes/no or numeric column)")
    parser.add_argument("--split", metavar="SPLIT", help="the planned split, control first (default equal: 50/50)")
    parser.add_argument("--sequential", action="store_true",
                        help="always-valid intervals and p-values, safe to look at every day (mixture SPRT)")
    parser.add_argument("--planned", type=int, metavar="N",
                        help="the test's planned size, all variants together: before it is reached the result is "
                             "provisional (always-valid intervals); final once it is")
    parser.add_argument("--robust", action="store_true",
                        help="cap amounts at the 99th percentile of buyers' values (and refunds below)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _campaign(args: argparse.Namespace) -> int:
    if not args.workspace:
        raise SystemExit("--treated needs --workspace: the workspace whose orders measure the campaign")
    ws = open_workspace(args.workspace)
    try:
        assignment = read_assignment(args.treated, variant=args.variant, control=args.control, sent=args.sent)
        found = analyse_campaign(ws, assignment, window_days=args.window_days, pre_days=args.pre_days,
                                 split=args.split, currency=workspace_currency(ws))
    except (ExperimentError, IngestError, ValueError) as exc:
        raise SystemExit(str(exc)) from None
    finally:
        ws.close()
    if args.json:
        print_json(found.to_dict())
        return 0
    _print(found.result)
    for metric, share in found.narrower.items():
        print(f"Adjusting for the {found.pre_days} days before the send made the {metric} interval "
              f"{share:.0%} narrower.")
    for note in found.notes:
        print(f"Note: {note}")
    return 0


def _print(result) -> None:
    print(result.verdict)
    print()
    for line in result.details:
        print(f"  {line}")
    split = " vs ".join(f"{lab} {n:,}" for lab, n in zip(result.data.labels, result.srm.units))
    print(f"\nUnits: {split} (split check p = {result.srm.p_value:.2g}"
          f"{', FLAGGED' if result.srm.flagged else ''})")
    for e in result.data.exclusions:
        print(f"Excluded {e['rows']:,} rows: {e['reason']}")


def run(args: argparse.Namespace) -> int:
    if args.treated:
        return _campaign(args)
    try:
        data = read_result_file(args.file, variant=args.variant, control=args.control, metrics=args.metric)
        result = analyse(data, split=args.split, sequential=args.sequential, robust=args.robust,
                         planned_units=args.planned)
    except (ExperimentError, IngestError) as exc:
        raise SystemExit(str(exc)) from None
    if args.json:
        print_json(result.to_dict())
        return 0
    _print(result)
    return 0
