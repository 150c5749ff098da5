"""The Overview honours the sidebar's dates carried by the link: its figures cover those dates only."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from insights.performance.overview import headline_figures
from insights.ui.session import WORKSPACE_KEY
from tests.app_pages.test_pages_kpis_cohorts import shop  # noqa: F401 — the same small shop, as a fixture

ROOT = Path(__file__).resolve().parents[2]


def _home(ws, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)   # through the router: its page links
    at.session_state[WORKSPACE_KEY] = ws
    at.query_params.update(params)
    at.switch_page("app_pages/home.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_the_overview_shows_the_figures_of_the_links_dates(shop):
    everything = _metrics(_home(shop))
    assert everything["Orders"] == f"{headline_figures(shop)['orders']:,}"
    feb = _home(shop, **{"from": "2024-02-01", "to": "2024-02-14"})
    figures = _metrics(feb)
    assert figures["Orders"] == "3" and figures["Period"] == "14 days"       # as the KPI scorecard counts them
    assert figures["Orders"] != everything["Orders"]
    assert "01 Feb 2024 – 14 Feb 2024 (the sidebar's dates)" in [c.value for c in feb.caption]
    hostile = _metrics(_home(shop, **{"from": "2024-02-01'; drop table orders;--"}))
    assert hostile == everything
