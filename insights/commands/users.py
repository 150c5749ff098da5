"""Manage who may sign in to a hosted Clueboard: add, list, change the role of, or remove an account.

Accounts live in ``$CLUEBOARD_ACCOUNTS`` (default ``$CLUEBOARD_HOME/accounts.yaml``), passwords as bcrypt hashes.
Each account belongs to one team (its workspaces are the team's) and has one role: owner (upload, erase, settings,
workspaces, logs), analyst (every page, exports) or viewer (every page, no personal data). The password is read
from standard input (``--password-stdin``) or asked for; an account signing in through the team's identity provider
(``st.login``) is added with ``--no-password --email ADDRESS``. ``users log --team T`` prints the team's sign-ins.

  python -m insights users add ana --team corner-shop --role owner --name "Ana" --email ana@example.com
  python -m insights users list --json
"""

from __future__ import annotations

import argparse
import getpass
import sys

from insights.commands._common import print_json
from insights.core import accounts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add", "list", "role", "remove", "log"])
    parser.add_argument("username", nargs="?", help="the account's user name (add, role, remove)")
    parser.add_argument("--team", help="the account's team (add; log)")
    parser.add_argument("--role", choices=accounts.ROLES, help="owner, analyst or viewer (add, role)")
    parser.add_argument("--name", default="", help="the name shown in the app")
    parser.add_argument("--email", default="", help="e-mail (needed to sign in through an identity provider)")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    parser.add_argument("--no-password", action="store_true",
                        help="no password: the account signs in through the identity provider only")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _password(args) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise accounts.AccountError("the two passwords differ")
    return first


def _public(account: accounts.Account) -> dict:
    return {"username": account.username, "name": account.name, "email": account.email, "role": account.role,
            "team": account.team}


def run(args) -> int:
    try:
        if args.action == "list":
            found = [_public(a) for a in accounts.users()]
            if args.json:
                print_json({"accounts_file": str(accounts.accounts_file()), "users": found})
            else:
                for a in found:
                    email = f" <{a['email']}>" if a["email"] else ""
                    print(f"{a['username']}: {a['role']} of team {a['team']}{email}")
                if not found:
                    print(f"No accounts yet in {accounts.accounts_file()}.")
            return 0
        if args.action == "log":
            if not args.team:
                raise accounts.AccountError("give the team: users log --team NAME")
            events = accounts.sign_in_log(args.team)
            if args.json:
                print_json({"team": args.team, "events": events})
            else:
                for e in events:
                    print(f"{e['at']}  {e['event']:<10}  {e['username']} ({e['role']}, {e['how']})")
            return 0
        if not args.username:
            raise accounts.AccountError(f"users {args.action} needs a user name")
        if args.action == "add":
            if not args.team or not args.role:
                raise accounts.AccountError("users add needs --team and --role")
            made = accounts.add_user(args.username, password=_password(args), role=args.role, team=args.team,
                                     name=args.name, email=args.email)
            result = {"added": _public(made)}
        elif args.action == "role":
            if not args.role:
                raise accounts.AccountError("users role needs --role")
            result = {"changed": _public(accounts.set_role(args.username, args.role))}
        else:
            accounts.remove_user(args.username)
            result = {"removed": args.username.strip().lower()}
    except accounts.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print_json(result)
    else:
        verb, detail = next(iter(result.items()))
        if isinstance(detail, dict):
            detail = f"{detail['username']} ({detail['role']}, team {detail['team']})"
        print(f"{verb}: {detail}")
    return 0
