"""Apply the workspace's retention: personal data older than the owner keeps it is removed, aggregates stay.

``--months N`` (order lines, web events, customer records) and ``--feedback-text-months M`` save the setting
first; ``--dry-run`` says what would be removed and changes nothing. Old order lines keep their money without the
customer, so revenue by month is unchanged.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, at_least_one, open_workspace, print_json
from insights.privacy.retention import apply_retention, policy, set_policy


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--months", type=lambda t: at_least_one(t, "months"),
                        help="keep order lines, web events and customer records this many months (saved)")
    parser.add_argument("--feedback-text-months", type=lambda t: at_least_one(t, "months"),
                        help="keep feedback comments' text this many months (saved)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be removed; change nothing")


def run(args) -> int:
    ws = open_workspace(args.workspace)
    try:
        if args.months is not None or args.feedback_text_months is not None:
            current = policy(ws)
            set_policy(ws, args.months if args.months is not None else current.months,
                       args.feedback_text_months if args.feedback_text_months is not None
                       else current.feedback_text_months, actor="command line")
        if policy(ws).months is None and policy(ws).feedback_text_months is None:
            raise SystemExit("No retention is set: pass --months and/or --feedback-text-months.")
        result = apply_retention(ws, dry_run=args.dry_run, actor="command line")
    finally:
        ws.close()
    if args.json:
        print_json(result.to_dict())
    else:
        print("\n".join(result.lines()))
    return 0
