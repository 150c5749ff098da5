"""The one store of model outputs: fresh, stale, copied, one customer, all or nothing."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from insights.core import scores
from insights.core.workspace import Workspace
from tests.customers.test_segments import LINES, line
from tests.helpers import insert_rows, workspace_from_tables

FRAME = pd.DataFrame({"customer_id": ["c1", "c2"], "churn_probability": [0.2, 0.9],
                      "value_at_risk": [10.0, 30.0]})


def test_scores_are_current_until_the_data_changes():
    ws = workspace_from_tables(order_lines=LINES)
    try:
        assert scores.current(ws, "churn") is None and scores.run(ws, "churn") is None
        scores.write(ws, "churn", FRAME, params={"kind": "logistic"}, report={"auc": 0.8})
        stored = scores.current(ws, "churn")
        assert stored["customer_id"].tolist() == ["c2", "c1"]            # highest value at risk first
        assert scores.report(ws, "churn") == {"auc": 0.8}
        assert scores.run(ws, "churn").params == {"kind": "logistic"}
        assert scores.for_customer(ws, "churn", "c1")["churn_probability"] == 0.2
        assert scores.for_customer(ws, "churn", "nobody") is None
        with ws.transaction():
            insert_rows(ws, "order_lines", [line("Z1", "c9", "2024-04-01 10:00", 5)])
        assert scores.current(ws, "churn") is None                        # stale: the data changed
        assert scores.load(ws, "churn") is not None                       # but still there for "last run"
        assert scores.report(ws, "churn") is None
    finally:
        ws.close()


def test_writing_twice_replaces_and_models_do_not_mix():
    ws = workspace_from_tables(order_lines=LINES)
    try:
        scores.write(ws, "churn", FRAME)
        scores.write(ws, "clv", pd.DataFrame({"customer_id": ["c1"], "clv": [5.0]}), run_key="k1")
        scores.write(ws, "churn", FRAME.head(1))
        assert len(scores.current(ws, "churn")) == 1 and len(scores.current(ws, "clv")) == 1
        assert scores.run(ws, "clv").run_key == "k1"
    finally:
        ws.close()


def test_a_failed_write_leaves_the_previous_scores(monkeypatch):
    ws = workspace_from_tables(order_lines=LINES)
    try:
        scores.write(ws, "churn", FRAME)
        with pytest.raises(Exception):
            scores.write(ws, "churn", FRAME, report={"not json": object()})
        assert len(scores.current(ws, "churn")) == 2
    finally:
        ws.close()


def test_a_copied_workspace_keeps_its_scores(tmp_path):
    ws = Workspace.create("Shop", root=tmp_path)
    insert_rows(ws, "order_lines", LINES)
    ws.build_marts()
    scores.write(ws, "churn", FRAME)
    source = ws.path
    ws.close()
    shutil.copytree(source, tmp_path / "copy")
    copy = Workspace.open(tmp_path / "copy")
    try:
        assert scores.current(copy, "churn") is not None
    finally:
        copy.close()


def test_only_known_models_have_a_table():
    with pytest.raises(ValueError, match="unknown model"):
        scores.scores_table("x; drop table orders")
