"""Load a suppression list: people no export may write (unsubscribed, bounced, do not contact).

A Mailchimp "unsubscribed" or "cleaned" audience export, any CSV/XLSX with an e-mail or phone column, or a plain
list of addresses one a line (``--file``); or single addresses (``--email``, ``--phone``). Kept as keyed hashes,
never as addresses. ``--list`` shows the counts on the list.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core import suppression
from insights.privacy.lists import add_addresses, load_list


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--file", action="append", default=[], help="a list to load (repeatable)")
    parser.add_argument("--email", action="append", default=[], help="an e-mail address (repeatable)")
    parser.add_argument("--phone", action="append", default=[], help="a phone number, international form")
    parser.add_argument("--reason", help="why (default: what the file is, e.g. Mailchimp unsubscribed, or "
                                         "'do not contact')")
    parser.add_argument("--list", action="store_true", help="show what the suppression list holds (counts)")


def run(args) -> int:
    ws = open_workspace(args.workspace)
    try:
        reports = [load_list(ws, path, reason=args.reason, actor="command line").to_dict() for path in args.file]
        typed = add_addresses(ws, args.email, args.phone, args.reason or "do not contact", "command line") \
            if args.email or args.phone else 0
        listed = suppression.summary(ws)
    finally:
        ws.close()
    if args.json:
        print_json({"files": reports, "typed_added": typed, "list": listed.to_dict("records")})
        return 0
    for r in reports:
        print(f"{r['name']}: {r['rows_read']:,} rows, {r['emails']:,} e-mails and {r['phones']:,} phones "
              f"({r['reason']}); {r['added']:,} new on the list; {r['rows_without_identifier']:,} rows without one.")
    if typed:
        print(f"{typed} typed address(es) added.")
    if args.list or not (reports or typed):
        print(listed.to_string(index=False) if not listed.empty else "The suppression list is empty.")
    return 0
