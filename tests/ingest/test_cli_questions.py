"""The command line stops on the questions the Upload page asks (issue 10): dates whose day/month order nothing
settles stop `ingest` with a one-line question and exit code 3 until --day-first/--month-first (or --yes) answers;
`--map FILE:COLUMN=FIELD` maps a column by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from insights.cli import main
from insights.commands.ingest import NEEDS_CONFIRMATION
from insights.core.workspace import Workspace

# every day ≤ 12: 03/04/2024 is 3 April or March 4, and nothing in the file tells
AMBIGUOUS = ("Order ID,Order Date,Customer ID,Product,Quantity,Unit price\n"
             "A1,03/04/2024,C1,Mug,1,10.00\nA2,05/06/2024,C2,Mug,2,10.00\nA3,07/08/2024,C1,Teapot,1,25.00\n")
# two dates: Created (when the cart was made) and Paid (when it became an order) — the owner says which counts
TWO_DATES = ("Order ID,Created,Paid,Customer ID,Product,Quantity,Unit price\n"
             "B1,2024-01-30,2024-02-02,C1,Mug,1,10.00\nB2,2024-02-27,2024-03-01,C2,Mug,1,10.00\n")


def _dates(folder) -> list[dt.date]:
    ws = Workspace.open(folder)
    try:
        return [r[0].date() for r in ws.con.execute("select ordered_at from order_lines order by order_id").fetchall()]
    finally:
        ws.close()


def test_ambiguous_dates_stop_the_load_until_the_order_is_given(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text(AMBIGUOUS, encoding="utf-8")
    folder = tmp_path / "shop"
    assert main(["ingest", str(orders), "--workspace", str(folder)]) == NEEDS_CONFIRMATION
    said = capsys.readouterr().out.strip()
    assert said.count("\n") == 0 and said.startswith("orders.csv: The dates in “Order Date” could be day-first")
    assert said.endswith("Load again with --day-first or --month-first.")
    assert _dates(folder) == []                                    # nothing loaded
    assert main(["ingest", str(orders), "--workspace", str(folder), "--json"]) == NEEDS_CONFIRMATION
    asked = json.loads(capsys.readouterr().out)["needs_confirmation"]
    assert [(a["file"], a["reason"]) for a in asked] == [("orders.csv", "dates")]
    assert main(["ingest", str(orders), "--workspace", str(folder), "--month-first"]) == 0
    assert _dates(folder) == [dt.date(2024, 3, 4), dt.date(2024, 5, 6), dt.date(2024, 7, 8)]


def test_day_first_and_yes_read_day_first(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text(AMBIGUOUS, encoding="utf-8")
    assert main(["ingest", str(orders), "--workspace", str(tmp_path / "a"), "--day-first"]) == 0
    assert _dates(tmp_path / "a") == [dt.date(2024, 4, 3), dt.date(2024, 6, 5), dt.date(2024, 8, 7)]
    capsys.readouterr()
    assert main(["ingest", str(orders), "--workspace", str(tmp_path / "b"), "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["confirmed"][0]["reason"] == "dates"
    assert _dates(tmp_path / "b") == _dates(tmp_path / "a")


def test_a_column_mapped_by_hand(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text(TWO_DATES, encoding="utf-8")
    assert main(["ingest", str(orders), "--workspace", str(tmp_path / "shop"), "--yes",
                 "--map", "orders.csv:paid=ordered_at"]) == 0
    assert _dates(tmp_path / "shop") == [dt.date(2024, 2, 2), dt.date(2024, 3, 1)]
    for option, says in (("orders.csv:Shipped=ordered_at", "has no column 'Shipped'"),
                         ("orders.csv:Paid=paid_on", "'paid_on' is not a field of transactions files"),
                         ("other.csv:Paid=ordered_at", "expected FILE:COLUMN=FIELD")):
        assert main(["ingest", str(orders), "--workspace", str(tmp_path / "x"), "--map", option]) == 1
        assert says in capsys.readouterr().err
