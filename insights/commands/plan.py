"""How many customers does a test need? Users per variant for a baseline rate and the smallest change to detect,
or — with ``--revenue`` — for revenue per customer, from the spread of the workspace's own revenue per customer
before and after the adjustment for each customer's past spending.

    python -m insights plan --baseline 0.05 --mde 0.1 [--absolute] [--alpha 0.05] [--power 0.8] [--one-sided]
                            [--variants 2] [--list-size N] [--json]
    python -m insights plan --revenue --workspace W --mde 0.1 [--absolute] [--window-days 30] [--pre-days 365]
                            [--control-share 0.1] [--list-size N] [--json]
"""

from __future__ import annotations

import argparse

from insights.commands._common import open_workspace, print_json, whole_days
from insights.experiments.planner import plan
from insights.experiments.revenue_plan import plan_revenue, revenue_spread
from insights.performance.kpis import workspace_currency


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", type=float, help="today's rate, e.g. 0.05 for 5%% (not with --revenue)")
    parser.add_argument("--mde", type=float, required=True,
                        help="the smallest change worth detecting: relative (0.1 = +10%%) unless --absolute")
    parser.add_argument("--absolute", action="store_true",
                        help="--mde is in rate points (0.01 = +1 point), or with --revenue in money per customer")
    parser.add_argument("--alpha", type=float, default=0.05, help="false-alarm rate (default 0.05)")
    parser.add_argument("--power", type=float, default=0.8, help="chance to detect a real change (default 0.8)")
    parser.add_argument("--one-sided", action="store_true", help="only a rise counts")
    parser.add_argument("--variants", type=int, default=2, help="variants including the control (default 2)")
    parser.add_argument("--list-size", type=int, metavar="N",
                        help="your list: the smallest change it can detect, split equally")
    parser.add_argument("--revenue", action="store_true",
                        help="plan for revenue per customer, from --workspace's own customers")
    parser.add_argument("--workspace", metavar="PATH", help="the workspace whose revenue per customer is read")
    parser.add_argument("--window-days", type=whole_days, default=30, metavar="N",
                        help="days after the send in which revenue counts (default 30)")
    parser.add_argument("--pre-days", type=whole_days, default=365, metavar="N",
                        help="days before the send the adjustment reads (default 365)")
    parser.add_argument("--control-share", type=float, metavar="S",
                        help="with --revenue: the share held back as the control (default: an even split)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _revenue(args: argparse.Namespace) -> int:
    if not args.workspace:
        raise SystemExit("--revenue needs --workspace: the workspace whose revenue per customer is read")
    ws = open_workspace(args.workspace)
    try:
        spread = revenue_spread(ws, args.window_days, args.pre_days)
        currency = workspace_currency(ws) or ""
    finally:
        ws.close()
    if spread is None:
        raise SystemExit(f"{args.workspace}: fewer than two customers bought before the last {args.window_days} "
                         "days of the data — nothing to read a spread from")
    try:
        found = plan_revenue(spread, args.mde, absolute=args.absolute, alpha=args.alpha, power=args.power,
                             sides=1 if args.one_sided else 2, variants=args.variants,
                             control_share=args.control_share, list_size=args.list_size)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    if args.json:
        print_json(found.to_dict())
        return 0
    unit = f" {currency}" if currency else ""
    print(f"Revenue per customer in {spread.window_days} days: mean {spread.mean:,.2f}{unit}, spread (sd) "
          f"{spread.sd:,.2f} over {spread.customers:,} customers; their own past {spread.pre_days} days explain "
          f"{spread.r_squared:.0%} of its variance.")
    print(f"To detect +{found.difference:,.2f}{unit} per customer: {found.total_users:,} customers in all "
          f"({found.control_users:,} in the control), {found.total_unadjusted:,} without the adjustment.")
    if found.mde_at_list_size is not None:
        print(f"With {args.list_size:,} customers the smallest change you can detect is "
              f"{found.mde_at_list_size:.1%} of the mean ({found.mde_unadjusted:.1%} without the adjustment).")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.revenue:
        return _revenue(args)
    if args.baseline is None:
        raise SystemExit("plan needs --baseline (today's rate, such as 0.05) or --revenue with --workspace")
    try:
        result = plan(args.baseline, args.mde, absolute=args.absolute, alpha=args.alpha, power=args.power,
                      sides=1 if args.one_sided else 2, variants=args.variants, list_size=args.list_size)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"{result.users_per_variant:,} users per variant, {result.total_users:,} in all.")
    if result.mde_at_list_size is not None:
        unit = "points" if args.absolute else "relative"
        size = result.mde_at_list_size * 100
        print(f"With {args.list_size:,} customers split {args.variants} ways, the smallest change you can detect "
              f"is {size:.1f}{'%' if not args.absolute else ' points'} ({unit}).")
    return 0
