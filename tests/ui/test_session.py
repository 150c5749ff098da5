"""The session's workspace: private sample copies and hosted scratch folders go away with the session."""

import gc
from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUEBOARD_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_a_sessions_sample_copy_is_removed_with_its_workspace(home):
    from insights.ui import session
    ws = session.open_sample_copy()
    folder = Path(ws.path).parent
    assert folder.is_dir() and ws.has_orders()
    other = session.open_sample_copy()            # another session: its own copy
    assert Path(other.path).parent != folder
    del ws
    gc.collect()
    assert not folder.exists()                    # dropped with the session, not left in /tmp
    assert Path(other.path).is_dir() and other.has_orders()
    other.close()


def test_hosted_scratch_folder_is_removed_with_its_holder():
    from insights.ui.session import _ScratchFolder
    holder = _ScratchFolder("clueboard-test-")
    path = Path(holder.path)
    (path / "x").write_text("data")
    del holder
    gc.collect()
    assert not path.exists()
