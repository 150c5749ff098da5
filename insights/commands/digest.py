"""The weekly digest: the insight feed as a report file (HTML that opens offline, or PDF), for a cron job.

    python -m insights digest --workspace PATH [--since DATE] [--as-of DATE] --out report.html|report.pdf

The format follows the file's suffix. Without --since: the insights about periods ending in the last 7 days
of the data (and the ones about the current month). Dismissed insights are left out. A crontab line that writes Monday's report at 7:00 is in the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.commands.feed import a_date
from insights.feed import default_as_of
from insights.feed.digest import render
from insights.feed.report import feed_report

FORMATS = (".html", ".htm", ".pdf")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--since", type=a_date, metavar="DATE",
                        help="only insights about periods ending after this day (default: a week before the data's end)")
    parser.add_argument("--as-of", dest="as_of", type=a_date, metavar="DATE",
                        help="look at the data before this day only (default: the day after the last order)")
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write the report: .html or .pdf")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        raise SystemExit(f"--out must end in .html or .pdf (the report's format), not {out.name!r}")
    if not out.parent.exists():
        raise SystemExit(f"the folder {out.parent} does not exist")
    ws = open_workspace(args.workspace)
    try:
        as_of = args.as_of or default_as_of(ws)
        since = args.since or (as_of - dt.timedelta(days=7) if as_of else None)
        report = feed_report(ws, since=since, as_of=as_of)
    finally:
        ws.close()
    data = render(report, "pdf" if out.suffix.lower() == ".pdf" else "html")
    out.write_bytes(data)
    if args.json:
        print_json({"out": str(out), "bytes": len(data), "insights": [i.id for i in report.insights],
                    "since": since, "as_of": as_of})
    else:
        print(f"Wrote {out} ({len(report.insights)} insight{'s' if len(report.insights) != 1 else ''}, "
              f"{len(data):,} bytes).")
    return 0
