"""The bundled sample shop (``sample_data/``): building a workspace from it.

The app opens on this data so a newcomer sees every page working before uploading anything.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from insights.core.workspace import DB_FILE, Workspace
from insights.ingest.prepare import ingest_files

log = logging.getLogger(__name__)

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_FILES = ("customers.csv", "orders.csv", "web_events.csv", "feedback.csv", "marketing_spend.csv")
SAMPLE_NAME = "Sample shop"


def sample_files() -> list[Path]:
    return [SAMPLE_DIR / f for f in SAMPLE_FILES if (SAMPLE_DIR / f).exists()]


def build_sample_workspace(root: Path | str, progress=None) -> Workspace:
    """Load the bundled sample files into a new workspace folder under ``root``; return it opened."""
    ws = Workspace.create(SAMPLE_NAME, root=root)
    try:
        ingest_files(ws, sample_files(), progress=progress)
    except BaseException:
        ws.delete()
        raise
    return ws


def ensure_sample_workspace(cache_dir: Path | str, progress=None) -> Path:
    """The folder of a ready sample workspace under ``cache_dir``, built once and swapped in atomically.

    Two processes racing to build it each build into their own temporary folder; the first rename wins and
    the loser's copy is removed, so a half-built sample is never opened.
    """
    cache_dir = Path(cache_dir)
    target = cache_dir / "sample-shop"
    if (target / DB_FILE).exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=cache_dir))
    ws = build_sample_workspace(staging)
    built = ws.path
    ws.close()
    try:
        os.replace(built, target)
    except OSError:
        if not (target / DB_FILE).exists():
            raise
    shutil.rmtree(staging, ignore_errors=True)
    return target
