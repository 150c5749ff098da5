"""Opening one page script under AppTest with a workspace in the session (shared by the page tests)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from insights.ui.session import WORKSPACE_KEY

ROOT = Path(__file__).resolve().parents[2]


def open_page(name: str, ws, timeout: float = 120) -> AppTest:
    """Run ``app_pages/<name>`` once on ``ws``; fails on any exception the page raised."""
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=timeout)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
