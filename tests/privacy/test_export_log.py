"""Every export of personal data is logged in the workspace's privacy log — who, when, what, how many, never the
rows: the page download buttons of contact lists (walked in the page sources), the command line's exports."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

from insights.commands import export as export_command
from insights.core import audit
from insights.core.workspace import Workspace
from insights.ui.privacy import export_logger
from tests.privacy import canary

ROOT = Path(__file__).resolve().parents[2]
# download buttons whose file holds customers' contact details (by the file name they offer)
CONTACT_FILES = ("segment", "churn_watchlist", "overdue_customers", "customers_pseudonymised",
                 "second_purchase_follow_up", "email_tools.file_name", "customers_at_risk", "next-products", "cross-sell", "left_a_cart")


def _download_buttons():
    for page in sorted((ROOT / "app_pages").glob("*.py")) + sorted((ROOT / "insights" / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("download_button",
                                                                                  "contact_download"):
                yield page.name, node


def test_every_contact_list_download_is_logged_and_checks_the_role():
    """``privacy_ui.contact_download`` draws the button only for a role that may export and logs the click; a raw
    ``download_button`` of a contact file would skip both (the pseudonymised table on the Privacy page has no
    contact details and logs when it is prepared, behind the same role check)."""
    checked = []
    for page, call in _download_buttons():
        keywords = {k.arg: k.value for k in call.keywords}
        name = ast.unparse(keywords.get("file_name", ast.Constant("")))
        if not any(stem in name for stem in CONTACT_FILES):
            continue
        guarded = call.func.attr == "contact_download" or (page == "privacy.py" and "pseudonymised" in name)
        assert guarded, f"{page}: the download of {name} bypasses privacy_ui.contact_download (role and log)"
        checked.append((page, name))
    assert {p for p, _ in checked} >= {"segments.py", "churn.py", "insights.py", "privacy.py", "clv.py",
                                       "second_purchase.py"}


def test_the_logger_records_who_and_how_many(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    try:
        export_logger(ws, "segment contacts", 5, {"segment": "Champions"})()
        log = audit.events(ws, "export")
        assert log["actor"].tolist() == ["local owner"] and log["subject"].tolist() == ["5 customers"]
        assert "Champions" in log["detail"][0]
    finally:
        ws.close()


def test_the_export_command_logs(tmp_path, capsys):
    ws = canary.canary_workspace(tmp_path)
    folder = ws.path
    ws.close()
    parser = argparse.ArgumentParser()
    export_command.add_arguments(parser)
    assert export_command.run(parser.parse_args(["segment", "Champions", "--workspace", str(folder),
                                                 "--out", str(tmp_path / "c.csv")])) == 0
    with Workspace.open(folder) as ws:
        log = audit.events(ws, "export")
    assert log["actor"].tolist() == ["command line"] and "segment contacts" in log["detail"][0]
    assert canary.EMAIL not in log.to_string()
