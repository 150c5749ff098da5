"""Streamlit glue for privacy: who is acting (for the privacy log), and the deliberate, logged reveal of masked
contact details."""

from __future__ import annotations

import uuid

import streamlit as st

from insights.core import audit
from insights.ui import session

_SESSION_ID_KEY = "privacy_session_id"


def actor() -> str:
    """Who acts, as the privacy log records it: the signed-in user where the app knows one, else ``local owner``
    on one's own machine or an anonymous hosted session's short id."""
    user = getattr(st, "user", None)
    email = getattr(user, "email", None) if user is not None and getattr(user, "is_logged_in", False) else None
    if email:
        return str(email)
    if not session.hosted():
        return "local owner"
    if _SESSION_ID_KEY not in st.session_state:
        st.session_state[_SESSION_ID_KEY] = uuid.uuid4().hex[:8]
    return f"hosted session {st.session_state[_SESSION_ID_KEY]}"


def reveal_button(ws, customer_id: str, what: str = "contact details", key: str = "profile_reveal") -> bool:
    """Masked by default: True once the user has clicked to reveal ``customer_id``'s details in this session; the
    click is written to the privacy log (who, when, which customer's details — by id, not the details)."""
    state_key = f"{key}_{customer_id}"
    if st.session_state.get(state_key):
        return True
    if st.button(f"Reveal {what}", key=key, help="Shown masked by default; revealing is recorded in the "
                 "workspace's privacy log (Privacy page)."):
        audit.record(ws, "reveal", actor(), customer_id, {"what": what})
        st.session_state[state_key] = True
        st.rerun()
    return False


def export_logger(ws, what: str, rows: int, detail: dict | None = None, then=None):
    """An ``on_click`` for a download button that writes personal data: the download is recorded in the privacy
    log when clicked (who, when, what, how many — not the rows); ``then``, a callable, runs after (e.g. the
    insight feed remembering the control group an export held back)."""
    def log() -> None:
        audit.record(ws, "export", actor(), f"{rows:,} customers", {"what": what, **(detail or {})})
        if then is not None:
            then()
    return log
