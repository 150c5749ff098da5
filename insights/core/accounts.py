"""Accounts of a hosted Clueboard: who may sign in, in which team, with which role — and the team's sign-in log.

A hosted Clueboard (``CLUEBOARD_HOSTED=1``) is shared by teams. Each account belongs to one team; a team's
workspaces live in ``$CLUEBOARD_HOME/teams/<team>/workspaces`` and persist between visits, and nobody outside the
team ever lists or opens them. The accounts file (``$CLUEBOARD_ACCOUNTS``, default ``$CLUEBOARD_HOME/accounts.yaml``)
uses streamlit-authenticator's layout — ``credentials.usernames.<name>`` with ``email``, ``name``, ``password`` (a
bcrypt hash, never the password) and ``roles`` — plus a ``team`` per account and the sign-in cookie's secret key.
An account signed in through the team's own identity provider (``st.login``) is matched by its e-mail and needs no
password here.

Roles (:data:`PERMISSIONS`): an **owner** uploads, erases, changes settings, manages workspaces and reads the
privacy log; an **analyst** reads every page and exports lists; a **viewer** reads the pages without personal
data (contact details stay masked, no list can be downloaded).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import yaml

from insights.core.workspace import default_root

ROLES = ("owner", "analyst", "viewer")
ACTIONS = ("upload", "erase", "settings", "manage_workspaces", "read_log", "export", "reveal")
PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(ACTIONS),
    "analyst": frozenset({"export", "reveal"}),
    "viewer": frozenset(),
}
WHAT_ACTIONS_MEAN = {
    "upload": "load or undo files",
    "erase": "erase customers or change the suppression list and retention",
    "settings": "change the workspace's settings",
    "manage_workspaces": "create, rename or delete workspaces",
    "read_log": "read the privacy and sign-in logs",
    "export": "download lists of customers",
    "reveal": "reveal contact details",
}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_TEAM = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A request the accounts file cannot take (an unknown role, a taken name, a short password …)."""


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    email: str
    role: str
    team: str

    def can(self, action: str) -> bool:
        return can(self.role, action)


def can(role: str, action: str) -> bool:
    if action not in ACTIONS:
        raise AccountError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return action in PERMISSIONS.get(role, frozenset())


def accounts_file() -> Path:
    given = os.environ.get("CLUEBOARD_ACCOUNTS")
    return Path(given) if given else default_root().parent / "accounts.yaml"


def home() -> Path:
    return default_root().parent


def team_root(team: str) -> Path:
    """The folder holding ``team``'s workspaces (created on first use)."""
    if not _TEAM.match(team or ""):
        raise AccountError(f"a team name is 1–40 lower-case letters, digits or '-', not {team!r}")
    root = home() / "teams" / team / "workspaces"
    root.mkdir(parents=True, exist_ok=True)
    return root


_PARSED: dict[Path, tuple[tuple[int, int], dict]] = {}


def read(path: Path | None = None) -> dict:
    """The accounts file as a dict (an empty layout when there is none): a fresh copy, parsed again only when the
    file changed (every page run of a hosted session asks who may sign in)."""
    path = path or accounts_file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {"credentials": {"usernames": {}}}
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _PARSED.get(path)
    if cached is None or cached[0] != version:
        cached = (version, _parse(path))
        _PARSED[path] = cached
    return copy.deepcopy(cached[1])


def _parse(path: Path) -> dict:
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(config, dict) or not isinstance(config.get("credentials", {}), dict):
        raise AccountError(f"{path} is not an accounts file (expected a 'credentials: usernames:' mapping)")
    config.setdefault("credentials", {}).setdefault("usernames", {})
    if config["credentials"]["usernames"] is None:
        config["credentials"]["usernames"] = {}
    return config


def write(config: dict, path: Path | None = None) -> None:
    """Replace the accounts file in one step (never half-written), readable by its owner only."""
    path = path or accounts_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".accounts-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        yaml.safe_dump(config, handle, default_flow_style=False, allow_unicode=True, sort_keys=True)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def configured(path: Path | None = None) -> bool:
    """True when the accounts file names at least one account."""
    try:
        return bool(read(path)["credentials"]["usernames"])
    except (AccountError, yaml.YAMLError, OSError):
        return False


def cookie_settings(config: dict) -> tuple[str, str, float]:
    """The sign-in cookie's name, secret key and lifetime in days (a key is made when the file has none)."""
    cookie = config.get("cookie") or {}
    return (str(cookie.get("name") or "clueboard_signin"), str(cookie.get("key") or ""),
            float(cookie.get("expiry_days") or 7))


def add_user(username: str, *, password: str | None, role: str, team: str, name: str = "", email: str = "",
             path: Path | None = None) -> Account:
    """Add an account (``password`` None: it signs in through the team's identity provider, matched by e-mail)."""
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        raise AccountError(f"a user name is 2–64 lower-case letters, digits or . _ @ -, not {username!r}")
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    team_root(team)   # validates the team's name and makes its folder
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if password is None and not email:
        raise AccountError("an account without a password signs in through the identity provider: give its e-mail")
    config = read(path)
    users = config["credentials"]["usernames"]
    if username in users:
        raise AccountError(f"there is already an account {username!r}")
    email = email.strip().lower()
    if email and any(str(u.get("email", "")).lower() == email for u in users.values()):
        raise AccountError(f"another account already uses {email}")
    users[username] = {"name": name or username, "email": email, "roles": [role], "team": team,
                       "password": bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
                       if password is not None else ""}
    cookie = config.setdefault("cookie", {})
    cookie.setdefault("name", "clueboard_signin")
    cookie.setdefault("key", secrets.token_hex(32))
    cookie.setdefault("expiry_days", 7)
    write(config, path)
    return _account(username, users[username])


def remove_user(username: str, path: Path | None = None) -> None:
    config = read(path)
    if config["credentials"]["usernames"].pop(username.strip().lower(), None) is None:
        raise AccountError(f"there is no account {username!r}")
    write(config, path)


def set_role(username: str, role: str, path: Path | None = None) -> Account:
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    config = read(path)
    entry = config["credentials"]["usernames"].get(username.strip().lower())
    if entry is None:
        raise AccountError(f"there is no account {username!r}")
    entry["roles"] = [role]
    write(config, path)
    return _account(username.strip().lower(), entry)


def users(path: Path | None = None) -> list[Account]:
    return [_account(name, entry) for name, entry in sorted(read(path)["credentials"]["usernames"].items())]


def account(username: str, path: Path | None = None) -> Account | None:
    entry = read(path)["credentials"]["usernames"].get((username or "").strip().lower())
    return _account(username.strip().lower(), entry) if entry else None


def account_by_email(email: str, path: Path | None = None) -> Account | None:
    wanted = (email or "").strip().lower()
    if not wanted:
        return None
    return next((a for a in users(path) if a.email == wanted), None)


def check_password(username: str, password: str, path: Path | None = None) -> Account | None:
    """The account when ``password`` is its password; None otherwise (the same answer for an unknown name)."""
    entry = read(path)["credentials"]["usernames"].get((username or "").strip().lower())
    stored = str((entry or {}).get("password") or "")
    if not stored or not bcrypt.checkpw(password.encode("utf-8"), stored.encode("ascii")):
        return None
    return _account(username.strip().lower(), entry)


def _account(username: str, entry: dict) -> Account:
    roles = entry.get("roles") or ["viewer"]
    role = roles[0] if roles[0] in ROLES else "viewer"   # an unknown role gets the least
    team = str(entry.get("team") or "")
    if not _TEAM.match(team):
        raise AccountError(f"account {username!r} has no valid team in the accounts file")
    return Account(username, str(entry.get("name") or username), str(entry.get("email") or "").lower(), role, team)


# --- the team's sign-in log -------------------------------------------------------------------------------------

def _log_path(team: str) -> Path:
    return team_root(team).parent / "sign-in-log.jsonl"


def record_sign_in(account: Account, event: str, how: str) -> None:
    """Append a sign-in event (``signed in``, ``signed out``, ``refused``) to the team's log."""
    line = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "event": event,
            "username": account.username, "role": account.role, "how": how}
    with _log_path(account.team).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def record_refused(team: str | None, username: str, how: str) -> None:
    """A failed sign-in: written to the named account's team log when the name exists, else nowhere (an unknown
    name says nothing about any team)."""
    known = account(username) if username else None
    if known is not None and (team is None or known.team == team):
        record_sign_in(known, "refused", how)


def sign_in_log(team: str) -> list[dict]:
    """The team's sign-in events, newest first."""
    try:
        lines = _log_path(team).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in reversed(lines) if line.strip()]
