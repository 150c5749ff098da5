"""Print acquisition cohorts: share of each cohort active N periods after its first order.

Long format, one line per cohort x period index (cohort = period of the first order). With --json, a list of
objects with cohort, period_index, customers, active_customers, retention, revenue, ltv, orders, unreliable.
"""

from __future__ import annotations

import argparse

from insights.performance import cohorts
from insights.commands._common import add_workspace_arguments, open_workspace, print_json

JSON_COLUMNS = ["cohort", "period_index", "customers", "active_customers", "retention", "orders", "revenue",
                "ltv", "unreliable", "is_partial"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--period", choices=cohorts.GRAINS, default="month", help="cohort period (default month)")
    parser.add_argument("--mode", choices=cohorts.MODES, default="active",
                        help="active: ordered in the period; active_or_after: ordered in it or later")
    parser.add_argument("--split", choices=cohorts.SPLITS, help="split cohorts by this customer attribute")
    parser.add_argument("--average", action="store_true", help="include the size-weighted average row")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        table = cohorts.cohort_table(ws, grain=args.period, mode=args.mode, split=args.split,
                                     include_average=args.average)
        columns = (["split_value"] if args.split else []) + JSON_COLUMNS
        out = table.copy()
        out["cohort"] = [label if avg else d.date().isoformat()
                         for label, avg, d in zip(out["cohort_label"], out["is_average"], out["cohort"])]
        out = out[columns]
        if args.json:
            print_json(out)
            return 0
        grid = cohorts.pivot_cohorts(table, "retention")
        if grid.empty:
            print("No cohorts: the workspace has no identified customers with orders.")
            return 0
        print(f"Share of each {args.period}ly cohort active N {args.period}s after its first order "
              f"(mode: {args.mode}; * = fewer than {cohorts.MIN_COHORT_CUSTOMERS} customers)")
        labelled = table.assign(row=cohorts.row_labels(table))
        sizes = labelled.groupby("row")["customers"].first()
        flags = labelled.groupby("row")["unreliable"].first()
        width = max(len(str(label)) for label in grid.index) + 2
        print(f"{'cohort':<{width}}{'customers':>9}  " + " ".join(f"{c:>5}" for c in grid.columns))
        for label, row in grid.iterrows():
            cells = " ".join("     " if v != v else f"{v:>5.0%}" for v in row)
            mark = "*" if flags.get(label, False) else " "
            print(f"{label + mark:<{width}}{sizes.get(label, 0):>9,}  {cells}")
        return 0
    finally:
        ws.close()
