"""The Customer value page on data whose stored models are stale: it starts the background fit of its own model
(not the others), waits for it with progress, and shows the stored run; opened again it fits nothing."""

from __future__ import annotations

from insights.core import jobs
from insights.core import scores as score_store
from insights.core.workspace import Workspace
from insights.predictions import refresh
from insights.predictions.clv import run as clv_run
from insights.ui import background
from tests.app_pages.helpers import open_page
from tests.helpers import workspace_from_tables
from tests.predictions.test_clv import simulated_lines


def test_clv_page_waits_for_its_background_fit_then_reads_the_stored_run(tmp_path, monkeypatch):
    ws = workspace_from_tables(order_lines=simulated_lines(), ws=Workspace.create_at(tmp_path / "shop"))
    assert refresh.stale_models(ws) == ["clv", "churn"]
    at = open_page("clv.py", ws)
    assert "Value of all customers" in [m.label for m in at.metric]
    job = jobs.get(background.job_key(ws))
    assert job is not None and job.state == jobs.DONE           # fitted by the server's thread, not the page
    assert job.result.status == {"clv": "fitted"}               # only the model this page shows
    assert refresh.stale_models(ws) == ["churn"] and score_store.run(ws, "churn") is None

    def no_fit(*args, **kwargs):
        raise AssertionError("the page fitted again although the stored run is current")
    monkeypatch.setattr(clv_run, "fit_models", no_fit)
    monkeypatch.setattr(clv_run, "score_customers", no_fit)
    again = open_page("clv.py", ws)                             # a new session: nothing memoised
    assert [m.value for m in again.metric] == [m.value for m in at.metric]
    ws.close()
