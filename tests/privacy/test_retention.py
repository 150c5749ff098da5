"""Retention (GDPR art. 5(1)(e)): the dry run counts what the real run then removes; money stays; nothing of the
old personal data is left; a later export holding the old lines does not bring them back."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from insights.commands import retain as retain_command
from insights.core import audit
from insights.core.db import find_text
from insights.core.workspace import Workspace
from insights.ingest.load.health import health_report
from insights.privacy.erasure import erase
from insights.privacy.retention import RetentionPolicy, apply_retention, policy, set_policy
from tests.privacy import canary

TODAY = dt.date(2027, 12, 15)    # the cut-off at 24 months is 2025-12-15: every line is older


def _revenue(ws):
    return ws.con.execute("select sum(revenue), count(*) from order_lines").fetchall()[0]


def test_dry_run_then_real_run(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    try:
        money = _revenue(ws)
        old = ws.con.execute("select count(*) from order_lines where ordered_at < '2025-12-15'").fetchall()[0][0]
        set_policy(ws, 24, 12)
        assert policy(ws) == RetentionPolicy(24, 12)
        dry = apply_retention(ws, dry_run=True, today=TODAY)
        assert dry.counts["order_lines_anonymised"] == old > 0
        assert dry.counts["feedback_texts_removed"] == 13          # every comment is older than 12 months
        assert dry.counts["customers_removed"] == 13                # nobody has anything since December 2025
        assert find_text(ws.con, [canary.EMAIL], []) != []         # a dry run changes nothing
        real = apply_retention(ws, today=TODAY)
        assert {k: v for k, v in real.counts.items() if k != "scores_removed"} == dry.counts
        assert _revenue(ws) == money                                # revenue and line count unchanged
        left = ws.con.execute("select count(*) from order_lines where ordered_at < '2025-12-15' "
                              "and (customer_id is not null or email is not null)").fetchall()[0][0]
        assert left == 0 and ws.con.execute("select count(*) from customer_records").fetchall()[0][0] == 0
        assert ws.con.execute("select count(*) from feedback where text is not null").fetchall()[0][0] == 0
        found = find_text(ws.con, [canary.EMAIL, canary.NAME.lower()], [canary.CUSTOMER_ID])
        # a rejected row is dated by its file's load (today, after the cut-off): it stays until that is old
        assert found == [{"table": "rejects", "column": "value", "rows": 1}], found
        assert canary.PHONE.encode() not in (ws.path / "clueboard.duckdb").read_bytes()
        assert len(audit.events(ws, "retain")) == 2                 # the setting, the run
        # the same lines in a later export are recognised, not loaded again with their customer
        report = canary.load(ws, {"transactions": canary.write_files(tmp_path / "later", 2)["transactions"]})
        assert report.files[0].rows_loaded == 2 and _revenue(ws)[1] == money[1] + 2
    finally:
        ws.close()


def test_retain_command_dry_run(tmp_path, capsys):
    ws = canary.canary_workspace(tmp_path)
    folder = ws.path
    ws.close()
    parser = argparse.ArgumentParser()
    retain_command.add_arguments(parser)
    assert retain_command.run(parser.parse_args(["--workspace", str(folder), "--months", "1", "--dry-run",
                                                 "--json"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] and out["counts"]["order_lines_anonymised"] > 0 and out["lines_cutoff"]


def test_an_upload_applies_the_retention_and_the_health_report_says_so(tmp_path):
    ws = Workspace.create("Retained", root=tmp_path / "ws")
    try:
        set_policy(ws, 12, None)         # a year: the canary shop's 2025 data is older than that today (2026-12)
        report = canary.load(ws, canary.write_files(tmp_path / "files"))
        assert report.retention["order_lines_anonymised"] == report.files[1].rows_loaded > 0
        assert report.to_dict()["retention"]["customer_records_removed"] == 13
        # only the rejected row is left: it is dated by its load (today), not by what it holds
        assert [f["table"] for f in find_text(ws.con, [canary.EMAIL, canary.PHONE], [canary.CUSTOMER_ID])] == \
            ["rejects"]
        item = {i.key: i for i in health_report(ws)}["retention"]
        assert item.value == "personal data 12 months" and "customer records removed" in item.meaning
    finally:
        ws.close()


def test_the_health_report_counts_rows_of_erased_people_not_loaded(tmp_path):
    ws = canary.canary_workspace(tmp_path)
    try:
        erase(ws, email=canary.EMAIL)
        canary.load(ws, canary.write_files(tmp_path / "later", 1))
        assert {i.key: i for i in health_report(ws)}["erased_skipped"].value == "9"   # 4 lines, 1, 3 events, 1
    finally:
        ws.close()
