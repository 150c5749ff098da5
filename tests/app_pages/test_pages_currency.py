"""The Upload page's currency box (issue 10): a workspace with EUR and USD lines says the USD lines are left out,
takes a rate, and every total follows (the overview's revenue: Shopify's EUR lines + 162.00 USD × 0.92)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from insights.core.workspace import Workspace
from insights.ingest import ingest_files
from insights.performance.overview import headline_figures
from insights.ui.session import SAMPLE_FLAG_KEY, WORKSPACE_KEY

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "ingest" / "vendor_exports"


def test_the_owner_gives_a_rate_on_the_upload_page(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    ws = Workspace.create("Shop", root=tmp_path / "home" / "workspaces")
    ingest_files(ws, [CORPUS / "shopify_orders.csv", CORPUS / "stripe_unified_payments_usd.csv"])
    before = Decimal(headline_figures(ws)["net_revenue"])
    at = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=120)
    at.session_state[WORKSPACE_KEY] = ws
    at.session_state[SAMPLE_FLAG_KEY] = False
    at.run()
    assert not at.exception
    # (the text is escaped for markdown: "$" would start a formula)
    warned = [w.value for w in at.warning] + [e.label for e in at.expander]
    assert any("6 order lines in USD" in w and "are left out" in w for w in warned), warned
    at.number_input(key="currency_rate_USD").set_value(0.92)
    next(b for b in at.button if b.label == "Save currencies").click().run()
    assert not at.exception
    assert Decimal(headline_figures(ws)["net_revenue"]) == before + Decimal("149.04")
    assert not any("left out" in w.value for w in at.warning)
    ws.close()
