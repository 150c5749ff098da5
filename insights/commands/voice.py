"""The voice of the customer: NPS and satisfaction with intervals, by period and group, comment themes and
sentiment, and how feedback joins to value.

    python -m insights voice --workspace PATH [--themes N] [--period week|month|quarter] [--json]

``--period`` sets the grain of ``by_period`` (default month) and, without ``--json``, prints NPS per period with
its interval.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.voice import voice_report
from insights.voice.groups import PERIODS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--themes", type=int, default=None, metavar="N",
                        help="number of comment themes (default: from the number of comments, 3 to 8)")
    parser.add_argument("--period", choices=list(PERIODS), default=None,
                        help="NPS and ratings per week, month or quarter (default month in the JSON)")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        report = voice_report(ws, n_themes=args.themes, period=args.period or "month")
    finally:
        ws.close()
    if args.json:
        print_json(report.to_dict())
        return 0
    if report.empty:
        print("No survey answers or reviews are loaded yet: load an NPS survey export or a reviews file.")
        return 0
    n = report.nps
    if n["responses"]:
        print(f"NPS {n['score']:+.0f} from {n['responses']:,} answers (95% interval {n['ci_low']:+.0f} to "
              f"{n['ci_high']:+.0f}): {n['promoters']:,} promoters, {n['passives']:,} passives, "
              f"{n['detractors']:,} detractors.")
    c = report.csat
    if c["responses"]:
        print(f"Ratings: {c['share_satisfied']:.0%} gave 4 or 5 of {c['responses']:,} (mean {c['mean']:.1f}).")
    for p in report.by_period if args.period else []:
        if p["nps_responses"]:
            small = "  (few answers)" if p["small"] else ""
            print(f"{p['period']:<12}NPS {round(p['nps']):+d} ({round(p['nps_ci_low']):+d} to "
                  f"{round(p['nps_ci_high']):+d}) from "
                  f"{p['nps_responses']:,} answers{small}")
    for t in report.themes[:5]:
        impact = f", NPS {t['nps_impact']:+.1f} without it" if t["nps_impact"] is not None else ""
        print(f"- {t['label']}: {t['responses']:,} comments{impact}")
    for note in report.notes:
        print(note)
    return 0
