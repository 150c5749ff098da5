"""Shared fixtures: real datasets (skipped when ../shared is absent), workspaces, the bundled sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CLUEBOARD_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of real public datasets (../shared/data). Tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not available: {SHARED_DATA} is absent (they live beside the repo "
                    "in the project's shared/ folder, not in the repo)")
    return SHARED_DATA


@pytest.fixture
def tmp_workspace(tmp_path):
    from insights.core.workspace import Workspace
    ws = Workspace.create("Test shop", root=tmp_path / "workspaces")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def sample_workspace_path(tmp_path_factory) -> Path:
    """A workspace folder holding the bundled sample data, built once per test session."""
    from insights.ingest.sample import build_sample_workspace
    root = tmp_path_factory.mktemp("sample_ws")
    ws = build_sample_workspace(root)
    path = ws.path
    ws.close()
    return path


@pytest.fixture
def sample_workspace(sample_workspace_path, tmp_path):
    """A private, writable copy of the bundled sample shop for one test."""
    import shutil

    from insights.core.workspace import Workspace
    copy = tmp_path / "sample-copy"
    shutil.copytree(sample_workspace_path, copy)
    ws = Workspace.open(copy)
    yield ws
    ws.close()
