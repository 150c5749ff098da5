"""Contractual churn on IBM's Telco file: features from the customers file, held-out ROC AUC ≥ 0.84."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from insights.predictions.churn import fit_churn
from insights.core.workspace import Workspace
from tests.helpers import workspace_from_tables

TELCO = "ibm_telco_customer_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
TELCO_PATH_HOLDER: dict = {}


def _telco_workspace(path) -> Workspace:
    """Through the loader when it is importable; else the same canonical rows built from pandas (the loader
    maps customerID → customer id, Churn → churned, and keeps every other column in attributes)."""
    try:
        from insights.ingest import ingest_files
    except ImportError:
        ingest_files = None
    if ingest_files is not None:
        ws = Workspace.in_memory()
        ingest_files(ws, [path])
        if ws.con.execute("select count(churned) from customer_records").fetchone()[0]:
            ws.build_marts()
            return ws
        ws.close()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    attributes = raw.drop(columns=["customerID", "Churn"])
    rows = pd.DataFrame({
        "customer_id": raw["customerID"], "source_customer_id": raw["customerID"],
        "churned": raw["Churn"].eq("Yes"),
        "attributes": [json.dumps(r) for r in attributes.to_dict(orient="records")]})
    return workspace_from_tables(customer_records=rows)


@pytest.fixture(scope="module")
def telco_result(shared_data):
    TELCO_PATH_HOLDER["path"] = shared_data / TELCO
    ws = _telco_workspace(shared_data / TELCO)
    result = fit_churn(ws, random_state=0)
    yield result
    ws.close()


def test_telco_is_read_as_a_subscription_file(telco_result):
    assert telco_result.definition.kind == "subscription"
    assert telco_result.definition.label_source == "churned"


def test_telco_held_out_auc_beats_084_and_the_tenure_baseline(telco_result):
    m = telco_result.metrics
    assert m["model"]["customers"] == pytest.approx(7043 * 0.25, abs=2)
    assert m["model"]["roc_auc"] >= 0.84
    assert "tenure" in m
    assert m["model"]["roc_auc"] > m["tenure"]["roc_auc"] + 0.03
    assert m["model"]["top_decile_lift"] > 2


def test_telco_scores_active_customers_with_reasons_from_their_columns(telco_result):
    scores = telco_result.scores
    assert len(scores) == 5174                               # the customers who have not churned
    risky = scores.sort_values("churn_probability", ascending=False).head(50)
    columns = set(pd.read_csv(TELCO_PATH_HOLDER["path"], nrows=1).columns) | {"tenure_days", "country", "channel"}
    reasons = [r for cell in risky["reasons"] for r in cell.split("; ")]
    assert len(reasons) >= 50
    assert all(r.split(": ")[0] in columns for r in reasons)       # worded from the file's own columns
    assert not any(r.startswith("Churn") for r in reasons)         # the outcome is never a feature
