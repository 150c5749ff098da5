"""Before anything is loaded: the expected outcome of a batch (the real load, rolled back), its first rows parsed,
and what the owner must confirm (insights/ingest/preview.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from insights.core.workspace import Workspace
from insights.ingest import load_prepared, prepare_file
from insights.ingest.preview import (KIND_SURE_FROM, REJECT_SHARE, WorkspaceBusy, load_unless_unsure,
                                     preview_load)

HEADER = "Order ID;Order Date;Customer ID;Product;Quantity;Unit Price\n"


def _orders(tmp_path, rows: int = 100, bad_quantity: int = 0, name: str = "orders.csv", prefix: str = "A"):
    """A till export: ``rows`` lines, ``bad_quantity`` of them (the first ones) with an unreadable quantity."""
    lines = [HEADER]
    for i in range(rows):
        quantity = "x" if i < bad_quantity else str(1 + i % 3)
        lines.append(f"{prefix}{i // 2};{(i % 28) + 1:02d}/03/2024 10:15;C{i % 7};Mug {i % 5};{quantity};12,50\n")
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _state(ws):
    tables = ("files", "rejects", "set_aside", "order_lines", "customer_records", "orders", "customers")
    return ws.content_hash(), {t: ws.con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in tables}


def test_the_preview_is_the_load_rolled_back(tmp_path):
    path = _orders(tmp_path, rows=100, bad_quantity=3)
    ws = Workspace.create_at(tmp_path / "ws")
    ws.ensure_marts()
    before = _state(ws)
    preview = preview_load(ws, [prepare_file(path, ws=ws)])
    assert _state(ws) == before                      # nothing reached the workspace
    expected = preview.files[0].outcome
    report = load_prepared(ws, [prepare_file(path, ws=ws)]).files[0]
    for attr in ("rows_read", "rows_loaded", "rows_rejected", "rows_set_aside", "rejected_by_reason",
                 "set_aside_by_reason", "revenue_read", "revenue_loaded", "revenue_rejected"):
        assert getattr(expected, attr) == getattr(report, attr), attr
    assert (expected.rows_read, expected.rows_rejected) == (100, 3)
    assert expected.rejected_by_reason == {"quantity is not a number": 3}
    # the same file again: the preview knows the workspace holds it already, and asks nothing
    again = preview_load(ws, [prepare_file(path, ws=ws)])
    assert again.files[0].outcome.already_loaded and again.needs_confirmation == []
    ws.close()


def test_preview_rows_hold_parsed_values_and_each_rows_fate(tmp_path):
    path = _orders(tmp_path, rows=20, bad_quantity=1)
    rows = preview_load(None, [prepare_file(path)]).files[0].rows
    assert list(rows["Row"]) == list(range(2, 12))      # header is row 1, as a spreadsheet shows it
    assert rows["Outcome"][0] == "rejected: quantity is not a number (Quantity 'x')"
    loaded = rows.iloc[1]
    assert loaded["Outcome"] == "will load"
    assert loaded["Order date"] == dt.datetime(2024, 3, 2, 10, 15)   # a date, day first as the file writes it
    assert loaded["Unit price"] == 12.5 and loaded["Quantity"] == 2.0 and loaded["Revenue"] == 25.0


def test_yes_no_columns_are_shown_as_yes_no(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("customer_id,email,marketing_opt_in\nc1,a@example.com,yes\nc2,b@example.com,No\n",
                    encoding="utf-8")
    rows = preview_load(None, [prepare_file(path)]).files[0].rows
    assert list(rows["E-mail opt-in"]) == [True, False]


@pytest.mark.parametrize("bad, asked", [(0, False), (1, False), (2, True)])
def test_more_than_one_percent_rejected_for_one_reason_is_asked(tmp_path, bad, asked):
    assert REJECT_SHARE == 0.01
    preview = preview_load(None, [prepare_file(_orders(tmp_path, rows=100, bad_quantity=bad))])
    questions = [c for c in preview.needs_confirmation if c.reason == "rejects"]
    assert bool(questions) == asked
    if asked:
        assert "2 of the 100 rows of orders.csv (2%)" in questions[0].question
        assert "quantity is not a number" in questions[0].question


def test_an_uncertain_kind_is_asked_and_choosing_the_kind_settles_it(tmp_path):
    path = tmp_path / "refs.csv"
    path.write_text("email\nana@example.com\nbo@example.com\n", encoding="utf-8")
    plan = prepare_file(path)
    assert plan.kind_confidence < KIND_SURE_FROM
    asked = preview_load(None, [plan]).needs_confirmation
    assert [c.reason for c in asked] == ["kind"] and "Clueboard is not sure" in asked[0].question
    plan.set_kind("customers")
    assert preview_load(None, [plan]).needs_confirmation == []


def test_a_plans_own_questions_are_asked(tmp_path):
    plan = prepare_file(_orders(tmp_path, rows=10))
    plan.confirmations = ["The column “Ship by” would date the orders. Is it the order date?"]
    asked = preview_load(None, [plan]).needs_confirmation
    assert [(c.file, c.reason, c.question) for c in asked] == [("orders.csv", "plan", plan.confirmations[0])]


def test_load_unless_unsure_loads_only_what_needs_no_answer_or_is_confirmed(tmp_path):
    path = _orders(tmp_path, rows=50, bad_quantity=5)
    ws = Workspace.create_at(tmp_path / "ws")
    ws.ensure_marts()
    before = _state(ws)
    preview, report = load_unless_unsure(ws, [prepare_file(path, ws=ws)], confirmed=False)
    assert report is None and [c.reason for c in preview.needs_confirmation] == ["rejects"]
    assert _state(ws) == before
    preview, report = load_unless_unsure(ws, [prepare_file(path, ws=ws)], confirmed=True)
    assert report.files[0].rows_loaded == preview.files[0].outcome.rows_loaded == 45
    assert ws.con.execute("select count(*) from order_lines").fetchall()[0][0] == 45
    sure = _orders(tmp_path, rows=10, name="more.csv", prefix="B")
    _, report = load_unless_unsure(ws, [prepare_file(sure, ws=ws)])   # nothing to confirm: loaded at once
    assert report is not None and report.files[0].rows_loaded == 10
    ws.close()


def test_a_second_load_of_the_same_workspace_is_refused_while_the_first_runs(tmp_path):
    ws = Workspace.create_at(tmp_path / "ws")
    other = Workspace.open(tmp_path / "ws")          # another session's handle on the same file
    started, release = threading.Event(), threading.Event()

    def progress(share, message):
        if message.startswith("Building"):
            started.set()
            release.wait(10)

    first = threading.Thread(target=load_unless_unsure, args=(ws, [prepare_file(_orders(tmp_path, rows=10))]),
                             kwargs={"progress": progress})
    first.start()
    try:
        assert started.wait(10)
        with pytest.raises(WorkspaceBusy, match="in use by another load"):
            preview_load(other, [prepare_file(_orders(tmp_path, rows=10, name="b.csv", prefix="B"))])
    finally:
        release.set()
        first.join()
    assert other.con.execute("select count(*) from order_lines").fetchall()[0][0] == 10
    ws.close()
    other.close()
