"""Erase one customer at their request (right to erasure): every table, a rewritten file, a receipt.

Finds the person by e-mail, phone or customer id across merged identities; removes their CRM rows, identity
merges, rejected rows and scores; keeps their orders, events and answers without them (revenue still adds up);
rewrites the workspace file and scans it; puts them on the suppression list so a later upload does not load them
again. ``--allow-again`` takes them off that list instead (their rows load with the next upload).
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.privacy.erasure import ErasureError, allow_again, erase


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--email", help="the person's e-mail address")
    parser.add_argument("--phone", help="the person's phone number (international form, e.g. +447911123456)")
    parser.add_argument("--customer", metavar="ID", help="the person's customer id")
    parser.add_argument("--allow-again", action="store_true",
                        help="take the person off the suppression list instead of erasing them")


def run(args) -> int:
    if not (args.email or args.phone or args.customer):
        raise SystemExit("Say whom to erase: --email, --phone or --customer.")
    ws = open_workspace(args.workspace)
    try:
        if args.allow_again:
            removed = allow_again(ws, args.email, args.phone, args.customer, actor="command line")
            if args.json:
                print_json({"removed_from_suppression_list": removed})
            else:
                print(f"{removed} identifier(s) taken off the suppression list: the next upload loads them.")
            return 0
        try:
            receipt = erase(ws, args.email, args.phone, args.customer, actor="command line")
        except ErasureError as exc:
            raise SystemExit(str(exc)) from None
        if args.json:
            print_json(receipt.to_dict())
        else:
            print("\n".join(receipt.lines()))
        return 0 if receipt.clean else 1
    finally:
        ws.close()
