"""Next orders: the expected date from the customer's rhythm, who is overdue, ranked by CLV, and the export with
consent honoured and formula-safe cells — from the library and from ``clv --next-orders``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from insights.predictions import clv
from insights.predictions.clv.next_orders import export_next_orders, next_orders, overdue
from tests.helpers import workspace_from_tables
from tests.predictions.test_clv import line, simulated_lines


def hand_shop():
    """A orders every 10 days (last 1 Mar: due 11 Mar), B every 30 days (last 10 Feb: due 11 Mar), C every 10 days
    but last on 1 Jan (lapsed by 20 Mar); data end: D's order on 20 Mar."""
    rows = [line(f"A{i}", "A", f"2024-02-{d:02d}", 50) for i, d in enumerate((10, 20))] + [line("A3", "A", "2024-03-01", 50)]
    rows += [line("B1", "B", "2024-01-11", 200), line("B2", "B", "2024-02-10", 200)]
    rows += [line("C1", "C", "2023-12-22", 20), line("C2", "C", "2024-01-01", 20)]
    rows += [line("D1", "D", "2024-03-20", 10)]
    crm = [dict(customer_id="A", name="=HYPERLINK(\"x\")", email="a@example.com", consent_email=True),
           dict(customer_id="B", name="Bea", email="b@example.com", consent_email=False)]
    return workspace_from_tables(order_lines=rows, customer_records=crm)


def test_status_ranking_and_export_by_hand():
    ws = hand_shop()
    scores = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "p_alive": [0.9, 0.8, 0.2, 1.0],
                           "clv": [100.0, 300.0, 5.0, 1.0]})
    table = next_orders(ws, scores, "2024-03-21").set_index("customer_id")
    assert table.loc["A", "status"] == "overdue" and table.loc["B", "status"] == "overdue"
    assert table.loc["C", "status"] == "lapsed"
    assert table.loc["A", "overdue_days"] > 0 and table.loc["D", "status"] in ("not yet due", "due soon")
    late = overdue(next_orders(ws, scores, "2024-03-21"))
    assert list(late["customer_id"]) == ["B", "A"]                        # ranked by CLV
    data, kept, no_consent, no_email, suppressed = export_next_orders(ws, late)
    assert (kept, no_consent, no_email, suppressed) == (1, 1, 0, 0)                       # B did not agree to e-mail
    text = data.decode("utf-8-sig")
    assert "a@example.com" in text and "b@example.com" not in text
    assert "'=HYPERLINK" in text                                           # never a live formula
    ws.close()


def test_cli_writes_the_overdue_list(tmp_path, capsys):
    from insights.cli import main
    from insights.core.workspace import Workspace
    lines = simulated_lines()
    ids = sorted(lines["customer_id"].unique())
    crm = [dict(customer_id=c, name=f"Customer {c}", email=f"{c}@example.com", consent_email=i % 2 == 0)
           for i, c in enumerate(ids)]
    ws = Workspace.create_at(tmp_path / "shop")
    workspace_from_tables(order_lines=lines, customer_records=crm, ws=ws)
    ws.close()
    target = tmp_path / "overdue.csv"
    assert main(["clv", "--workspace", str(tmp_path / "shop"), "--json", "--no-backtest",
                 "--next-orders", str(target)]) == 0
    out = json.loads(capsys.readouterr().out)["next_orders"]
    written = pd.read_csv(target, encoding="utf-8-sig")
    assert out["overdue"] > 10 and len(written) == out["written"] == out["overdue"] - out["left_out_no_consent"]
    assert written["consent_email"].all() and (written["status"] == "overdue").all()
    assert written["value"].is_monotonic_decreasing
    assert pytest.approx(written["clv"].to_numpy()) == written["value"].to_numpy()
    with Workspace.open(tmp_path / "shop") as ws:
        stored = clv.load_scores(ws)
    assert stored["next_order_expected_at"].notna().all()                 # one next-order date, from the rhythm
