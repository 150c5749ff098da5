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


def open_upload_page(tmp_path, monkeypatch, name: str = "Shop"):
    """The Upload page on a new workspace of its own (CLUEBOARD_HOME under ``tmp_path``); returns (AppTest, ws)."""
    from insights.core.workspace import Workspace
    from insights.ui.session import SAMPLE_FLAG_KEY
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    ws = Workspace.create(name, root=tmp_path / "home" / "workspaces")
    at = AppTest.from_file(str(ROOT / "app_pages" / "upload.py"), default_timeout=60)
    at.session_state[WORKSPACE_KEY] = ws
    at.session_state[SAMPLE_FLAG_KEY] = False
    at.run()
    return at, ws
