"""The overview's headline figures: the period as a length the metric can show in full, and its range."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from insights.performance.overview import headline_figures
from insights.ui.session import WORKSPACE_KEY
from tests.helpers import workspace_from_tables
from tests.performance.test_kpis import LINES

ROOT = Path(__file__).resolve().parents[2]


def test_period_length_and_range():
    ws = workspace_from_tables(order_lines=LINES)           # 5 Jan – 1 Mar 2024
    figures = headline_figures(ws)
    assert figures["period_months"] == 3 and figures["period_length_text"] == "3 months"
    assert figures["period_text"] == "Jan 2024 – Mar 2024"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    at.switch_page("app_pages/home.py").run()        # the app lands on Insights once there are orders
    assert not at.exception
    period = [m for m in at.metric if m.label == "Period"][0]
    assert period.value == "3 months" and any(c.value == "Jan 2024 – Mar 2024" for c in at.caption)
    ws.close()
