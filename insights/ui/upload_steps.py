"""The Upload page's steps, one at a time: 1 choose files → 2 check (and confirm) → 3 loaded.

After a load the page shows that load's result alone — its files, its rejected rows, the health report and
"Undo this load" — not the form: the file box is replaced by a fresh, empty one (its widget key carries a
round number), so no file, mapping or "Load" button of the files just loaded stays on screen, and "Load more
files" starts the next round. A result belongs to the workspace it was loaded into: switching workspaces or
undoing the load ends it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from insights.core.workspace import Workspace
from insights.ingest import rejects_frame

LAST_REPORT_KEY = "clueboard_last_report"
REPORT_WORKSPACE_KEY = "clueboard_last_report_workspace"   # the folder of the workspace the report belongs to
LAST_PLANS_KEY = "clueboard_last_plans"                    # the files of the last load (to load them again)
ROUND_KEY = "clueboard_upload_round"
STEPS = ("Choose files", "Check", "Loaded")


def uploader_key() -> str:
    """The file box's key: a new round after each load, so the box starts empty."""
    return f"clueboard_uploads_{st.session_state.get(ROUND_KEY, 0)}"


def finish_load(ws: Workspace, report, plans) -> None:
    """Called once a load has committed: remember its result and files, and empty the file box."""
    st.session_state[LAST_REPORT_KEY] = report
    st.session_state[REPORT_WORKSPACE_KEY] = str(ws.path) if ws.path is not None else None
    st.session_state[LAST_PLANS_KEY] = list(plans)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1


def forget_result() -> None:
    for key in (LAST_REPORT_KEY, REPORT_WORKSPACE_KEY, LAST_PLANS_KEY):
        st.session_state.pop(key, None)


def result_for(ws: Workspace):
    """The last load's report if it belongs to ``ws`` (else None, and it is forgotten)."""
    report = st.session_state.get(LAST_REPORT_KEY)
    if report is None:
        return None
    owner = st.session_state.get(REPORT_WORKSPACE_KEY)
    if owner is not None and owner != (str(ws.path) if ws.path is not None else None):
        forget_result()
        return None
    return report


def last_plans() -> list:
    return list(st.session_state.get(LAST_PLANS_KEY) or [])


def step_caption(step: int) -> None:
    """``1 Choose files → 2 Check → 3 Loaded``, the current step in bold."""
    parts = [f"**{i} {name}**" if i == step else f"{i} {name}" for i, name in enumerate(STEPS, start=1)]
    st.caption(" → ".join(parts))


def load_more_button() -> None:
    if st.button("Load more files", type="primary", key="clueboard_load_more"):
        forget_result()
        st.rerun()


def this_load_rejects(ws: Workspace, report) -> pd.DataFrame:
    """The rejected rows of the files of ``report`` only (not of earlier loads)."""
    frames = [rejects_frame(ws, f.file_id) for f in report.files if getattr(f, "file_id", None)]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
