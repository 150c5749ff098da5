"""The Upload page's "Undo the last load": what it would remove, a confirmation, and the result."""

from __future__ import annotations

import streamlit as st

from insights.core import numbers
from insights.core.markdown import escape_markdown
from insights.core.workspace import Workspace
from insights.ingest.load.undo import last_load, undo_last_load
from insights.ui import upload_steps

RESULT_KEY = "clueboard_undo_result"


def undo_last_load_control(ws: Workspace) -> None:
    """An expander offering to undo the workspace's latest load (nothing when there is none)."""
    done = st.session_state.pop(RESULT_KEY, None)
    if done:
        removed = sum(done["rows_removed"].values())
        st.success(f"Undone: {', '.join(escape_markdown(n) for n in done['files'])} and the {removed:,} row{'s' if removed != 1 else ''} "
                   "they brought were removed. Customers were matched again and every page now shows the data "
                   "as it was before that load.", icon="↩️")
    last = last_load(ws)
    if last is None:
        return
    names = ", ".join(f"“{escape_markdown(n)}”" for n in last.names)
    with st.expander(f"↩️ Undo the last load ({numbers.day(last.loaded_at)})", expanded=False):
        st.markdown(f"The last load brought {names}. Undoing it removes every row those files added; the "
                    "workspace goes back to exactly how it was before. Only the latest load can be undone.")
        confirm = st.checkbox("Yes, remove what the last load added", key="clueboard_undo_confirm")
        if st.button("Undo the last load", disabled=not confirm, key="clueboard_undo"):
            with st.spinner("Removing the last load and rebuilding the summaries…"):
                st.session_state[RESULT_KEY] = undo_last_load(ws)
            upload_steps.forget_result()   # the result shown was of the load just undone
            st.rerun()
