"""Accounts of a hosted Clueboard: the file keeps hashes (never passwords), roles allow what the issue lists, teams
get their own folders, the command line manages it all, and a bad request gets a plain error."""

from __future__ import annotations

import io
import json

import bcrypt
import pytest

from insights import cli
from insights.core import accounts


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CLUEBOARD_ACCOUNTS", raising=False)
    return tmp_path / "home"


def test_the_file_keeps_a_bcrypt_hash_and_a_cookie_key_never_the_password(home):
    accounts.add_user("ana", password="correct horse battery", role="owner", team="corner-shop", name="Ana",
                      email="Ana@Example.com")
    text = accounts.accounts_file().read_text(encoding="utf-8")
    assert "correct horse battery" not in text
    entry = accounts.read()["credentials"]["usernames"]["ana"]
    assert bcrypt.checkpw(b"correct horse battery", entry["password"].encode())
    assert entry["roles"] == ["owner"] and entry["team"] == "corner-shop" and entry["email"] == "ana@example.com"
    name, key, days = accounts.cookie_settings(accounts.read())
    assert len(key) == 64 and days == 7
    assert accounts.accounts_file().stat().st_mode & 0o077 == 0     # readable by its owner only
    assert (home / "teams" / "corner-shop" / "workspaces").is_dir()


def test_roles_allow_what_the_issue_lists(home):
    owner = accounts.add_user("ana", password="0123456789", role="owner", team="shop-a")
    analyst = accounts.add_user("bo", password="0123456789", role="analyst", team="shop-a")
    viewer = accounts.add_user("cy", password="0123456789", role="viewer", team="shop-a")
    assert all(owner.can(a) for a in accounts.ACTIONS)
    assert analyst.can("export") and analyst.can("reveal")
    assert not any(analyst.can(a) for a in ("upload", "erase", "settings", "manage_workspaces", "read_log"))
    assert not any(viewer.can(a) for a in accounts.ACTIONS)
    with pytest.raises(accounts.AccountError, match="unknown action"):
        owner.can("launch")


def test_bad_requests_get_plain_errors(home):
    accounts.add_user("ana", password="0123456789", role="owner", team="shop-a", email="ana@example.com")
    for kwargs, message in [
        ({"username": "ana", "password": "0123456789", "role": "owner", "team": "shop-a"}, "already an account"),
        ({"username": "bo", "password": "short", "role": "owner", "team": "shop-a"}, "at least 10"),
        ({"username": "bo", "password": "0123456789", "role": "admin", "team": "shop-a"}, "not one of"),
        ({"username": "bo", "password": "0123456789", "role": "owner", "team": "../etc"}, "team name"),
        ({"username": "'; drop", "password": "0123456789", "role": "owner", "team": "a"}, "user name"),
        ({"username": "bo", "password": None, "role": "owner", "team": "a"}, "give its e-mail"),
        ({"username": "bo", "password": "0123456789", "role": "owner", "team": "a", "email": "ANA@example.com"},
         "already uses"),
    ]:
        with pytest.raises(accounts.AccountError, match=message):
            accounts.add_user(**kwargs)
    assert [a.username for a in accounts.users()] == ["ana"]


def test_an_unknown_role_in_a_hand_edited_file_gets_the_least(home):
    accounts.add_user("ana", password="0123456789", role="owner", team="shop-a")
    config = accounts.read()
    config["credentials"]["usernames"]["ana"]["roles"] = ["superuser"]
    accounts.write(config)
    assert accounts.account("ana").role == "viewer"


def test_sign_in_log_is_per_team_newest_first(home):
    ana = accounts.add_user("ana", password="0123456789", role="owner", team="shop-a")
    bo = accounts.add_user("bo", password="0123456789", role="viewer", team="shop-b")
    accounts.record_sign_in(ana, "signed in", "password")
    accounts.record_sign_in(ana, "signed out", "button")
    accounts.record_sign_in(bo, "signed in", "password")
    assert [e["event"] for e in accounts.sign_in_log("shop-a")] == ["signed out", "signed in"]
    assert [e["username"] for e in accounts.sign_in_log("shop-b")] == ["bo"]


def test_the_users_command(home, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["users", "add", "ana", "--team", "shop-a", "--role", "owner", "--password-stdin",
                     "--email", "ana@example.com", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"]["role"] == "owner"
    assert cli.main(["users", "add", "dee", "--team", "shop-a", "--role", "viewer", "--no-password",
                     "--email", "dee@example.com"]) == 0
    assert cli.main(["users", "role", "dee", "--role", "analyst"]) == 0
    capsys.readouterr()
    assert cli.main(["users", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["users"]
    assert [(u["username"], u["role"]) for u in listed] == [("ana", "owner"), ("dee", "analyst")]
    assert "password" not in json.dumps(listed)
    assert accounts.account_by_email("DEE@example.com").username == "dee"
    assert cli.main(["users", "remove", "dee"]) == 0
    assert cli.main(["users", "remove", "dee"]) == 2
    assert "no account 'dee'" in capsys.readouterr().err


def test_the_file_is_parsed_once_per_version_and_each_reader_gets_its_own_copy(home, monkeypatch):
    accounts.add_user("ana", password="0123456789", role="owner", team="shop-a")
    parsed = []
    real = accounts._parse
    monkeypatch.setattr(accounts, "_parse", lambda path: parsed.append(path) or real(path))
    first = accounts.read()
    first["credentials"]["usernames"]["ana"]["roles"] = ["viewer"]     # a reader's change stays its own
    assert accounts.account("ana").role == "owner" and len(parsed) == 1
    accounts.set_role("ana", "analyst")                                # a new version of the file is read again
    assert accounts.account("ana").role == "analyst" and len(parsed) == 2
