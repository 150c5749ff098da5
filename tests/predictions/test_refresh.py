"""The models' stage of a load: fitted after the rows are written, stored with the data version, read by the
commands and pages without fitting again while current, and fitted again after a new upload."""

import json

import pandas as pd
import pytest

from insights.cli import main
from insights.core import jobs
from insights.core import scores as score_store
from insights.core.workspace import Workspace
from insights.ingest import ingest_files
from insights.predictions import refresh
from insights.predictions.churn import store as churn_store
from insights.predictions.clv import run as clv_run
from insights.predictions.simulate import simulate_shop
from insights.ui import background


@pytest.fixture(scope="module")
def two_uploads(tmp_path_factory):
    """A simulated shop's order lines as two uploads: the first 420 days, then the rest."""
    folder = tmp_path_factory.mktemp("shop")
    shop = simulate_shop(700, days=540, seed=3)
    lines = shop.orders
    dates = pd.to_datetime(lines["Order Date"])
    cut = shop.start + pd.Timedelta(days=420)
    first, second = folder / "orders_1.csv", folder / "orders_2.csv"
    lines[dates < cut].to_csv(first, index=False)
    lines[dates >= cut].to_csv(second, index=False)
    return first, second


def _no_fit(*args, **kwargs):
    raise AssertionError("fitted again although the stored fit is current")


def test_ingest_fits_models_and_commands_read_them(two_uploads, tmp_path, capsys, monkeypatch):
    first, second = two_uploads
    ws_path = tmp_path / "ws"
    assert main(["ingest", str(first), "--workspace", str(ws_path), "--json", "--yes"]) == 0
    models = json.loads(capsys.readouterr().out)["models"]
    assert models["clv"]["status"] == "fitted" and models["churn"]["status"] == "fitted"
    with Workspace.open(ws_path) as ws:
        assert refresh.stale_models(ws) == []
        stored_total = float(score_store.current(ws, "clv")["clv"].sum())
        stored_churn = len(score_store.current(ws, "churn"))

    # the commands read the stored fit: fitting is made to fail, and they still answer, from the store
    with monkeypatch.context() as patched:
        patched.setattr(clv_run, "fit_models", _no_fit)
        patched.setattr(clv_run, "score_customers", _no_fit)
        patched.setattr(churn_store, "fit_churn", _no_fit)
        assert main(["clv", "--workspace", str(ws_path), "--json", "--no-backtest"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["from_cache"] is True and out["total_clv"] == pytest.approx(stored_total)
        assert main(["churn", "--workspace", str(ws_path), "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["customers_scored"] == stored_churn and out["watchlist"]

    # a new upload makes the stored fits stale: no page or command reads them, and they are fitted again
    assert main(["ingest", str(second), "--workspace", str(ws_path), "--json", "--yes", "--no-models"]) == 0
    assert "models" not in json.loads(capsys.readouterr().out)
    with Workspace.open(ws_path) as ws:
        assert refresh.stale_models(ws) == ["clv", "churn"]
        assert score_store.current(ws, "clv") is None and score_store.current(ws, "churn") is None
    fits = []
    real_fit = clv_run.fit_models
    monkeypatch.setattr(clv_run, "fit_models", lambda *a, **k: fits.append(1) or real_fit(*a, **k))
    assert main(["clv", "--workspace", str(ws_path), "--json", "--no-backtest"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["from_cache"] is False and fits == [1]
    assert out["calibration_end"] > "2025-02-24"                  # fitted on both uploads (420 days after start)


def test_background_job_fits_and_pins_the_version_it_read(two_uploads, tmp_path):
    first, _ = two_uploads
    ws = Workspace.create("Background", root=tmp_path)
    ingest_files(ws, [first])
    assert refresh.stale_models(ws) == ["clv", "churn"]
    job = background.start_model_refresh(ws)
    assert job is not None and job.running
    # the page's connection keeps working while the fit runs on its own connection
    assert ws.con.execute("select count(*) from orders").fetchone()[0] > 0
    assert background.start_model_refresh(ws).started == job.started      # one fit per workspace at a time
    done = jobs.wait(background.job_key(ws), timeout=120)
    assert done.state == jobs.DONE, done.error
    assert done.result.status == {"clv": "fitted", "churn": "fitted"}
    assert refresh.stale_models(ws) == []
    # scores written while a fit that started on older data finishes are stored as that older data's: stale
    stored = score_store.load(ws, "churn")
    with score_store.fitted_on("an-older-version"):
        score_store.write(ws, "churn", stored, params=refresh.CHURN_DEFAULTS, report={"x": 1})
    assert score_store.current(ws, "churn") is None and refresh.stale_models(ws) == ["churn"]
    ws.close()


def test_too_little_data_is_remembered_not_retried(tmp_path):
    ws = Workspace.in_memory()
    orders = tmp_path / "orders.csv"
    orders.write_text("Order ID,Order Date,Customer ID,Amount\n1,2024-01-01,a,10\n2,2024-01-02,b,20\n",
                      encoding="utf-8")
    ingest_files(ws, [orders])
    outcome = refresh.refresh_models(ws)
    assert outcome.status == {"clv": "not enough data", "churn": "not enough data"}
    assert "at least" in outcome.notes["clv"] and "repeat purchases" in outcome.notes["churn"]
    assert refresh.stale_models(ws) == []                 # tried on this data: the pages do not start again
    assert len(score_store.current(ws, "clv")) == 0 and len(score_store.current(ws, "churn")) == 0
    ws.close()
