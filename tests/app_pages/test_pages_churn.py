"""AppTest runs the Churn watchlist page: not-enough-data notice, and the full flow on a simulated shop."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.core.workspace import Workspace
from insights.ingest.prepare import ingest_files
from insights.predictions.churn import load_churn_scores
from insights.predictions.simulate import simulate_shop
from insights.ui.session import WORKSPACE_KEY
from tests.helpers import workspace_from_tables
from tests.predictions.test_churn import simulated_shop

ROOT = Path(__file__).resolve().parents[2]


def open_page(ws) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "churn.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def shop_tables():
    return simulated_shop(n_customers=1000, seed=2)     # enough held-out stayers for the verdict to rank a list


def test_too_little_data_says_what_is_missing():
    lines = [dict(order_id=f"o{i}", customer_id=f"c{i % 3}", ordered_at=f"2024-01-{i + 1:02d}", quantity=1,
                  unit_price=5) for i in range(20)]
    ws = workspace_from_tables(order_lines=lines)
    at = open_page(ws)
    assert at.warning and "needs at least 100" in at.warning[0].value
    assert not at.metric
    ws.close()


def test_watchlist_flow_filters_links_and_export(shop_tables):
    lines, feedback, crm = shop_tables
    ws = workspace_from_tables(order_lines=lines, feedback=feedback, customer_records=crm)
    at = open_page(ws)
    analysts = [e for e in at.expander if e.label.startswith("For analysts: how the model")]
    assert len(analysts) == 1
    assert [e.label for e in at.expander if e.label.startswith("For analysts")] == [
        "For analysts: how the model was checked", "For analysts: relative risks"]
    labels = [m.label for m in analysts[0].metric]
    assert "ROC AUC (held-out)" in labels and "Precision in the top 10%" in labels
    assert any("held out from fitting" in m.value for m in analysts[0].markdown)
    # the page leads with a plain sentence; the jargon lives only in the analysts' expander
    assert any(m.value.startswith("We checked the model on ") and "did stop buying" in m.value for m in at.markdown)
    inside = {id(e) for e in analysts[0].markdown} | {id(e) for e in analysts[0].metric}
    assert not at.warning                                         # the verdict: a list ranked by the model
    outside = [m.value for m in at.markdown if id(m) not in inside] + [m.label for m in at.metric if id(m) not in inside]
    for term in ("ROC AUC", "log-odds", "k-means", "AUC", "calibration", "Brier"):
        assert not [t for t in outside if term.lower() in t.lower()], term
    watchlist = at.dataframe[-1].value
    assert watchlist["profile"].str.startswith("/profile?customer=").all()
    assert watchlist["value_at_risk"].is_monotonic_decreasing
    assert 0 < len(watchlist) <= 50                               # default: the 50 that matter most
    at.radio(key="churn_view").set_value("all").run()
    everyone = at.dataframe[-1].value
    assert everyone["churn_probability"].min() >= 0.3 and len(everyone) > len(watchlist)
    assert load_churn_scores(ws) is not None                      # stored for the profile page

    at.multiselect(key="churn_countries").set_value(["FR"]).run()
    assert not at.exception
    filtered = at.dataframe[-1].value
    assert set(filtered["country"]) == {"FR"} and len(filtered) < len(everyone)
    assert at.get("download_button")                              # export offered
    ws.close()


def test_one_time_buyer_shop_shows_the_verdict_and_no_list(tmp_path):
    ws = Workspace.create("once", tmp_path)
    ingest_files(ws, simulate_shop(2000, seed=21, one_time_share=0.97).write(tmp_path / "files"))
    at = open_page(ws)
    assert at.warning and "does not apply here" in at.warning[0].value
    assert "have bought once" in at.warning[0].value
    assert any("no watchlist" in m.value for m in at.markdown)
    assert not at.dataframe and not at.get("download_button")      # no list, nothing to export
    ws.close()
