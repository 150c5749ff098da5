"""Streamlit glue for privacy: who is acting (for the privacy log), and the deliberate, logged reveal of masked
contact details."""

from __future__ import annotations

import uuid

import streamlit as st

from insights.core import audit
from insights.customers.profile import mask_name
from insights.ui import access, session

_SESSION_ID_KEY = "privacy_session_id"


def actor() -> str:
    """Who acts, as the privacy log records it: the signed-in user where the app knows one, else ``local owner``
    on one's own machine or an anonymous hosted session's short id."""
    account = session.signed_in()
    if account is not None:
        return f"{account.username} ({account.role})"
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
    if not access.allowed("reveal"):
        st.caption(f"🔒 {access.refusal('reveal')}")
        return False
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


def contact_download(ws, what: str, rows: int, *, detail: dict | None = None, then=None, target=None,
                     **button) -> bool:
    """A download button for a file holding customers' contact details: drawn only when this session's role may
    export (otherwise a notice says why, and no file is made available to the browser), and logged when clicked
    (:func:`export_logger`). ``button`` holds :func:`st.download_button`'s own arguments; ``target`` a column."""
    place = target if target is not None else st
    if not access.allowed("export"):
        place.caption(f"🔒 {access.refusal('export')}")
        return False
    return place.download_button(on_click=export_logger(ws, what, rows, detail, then), **button)


MASK_NAMES_SETTING = "mask_names"


def names_masked(ws) -> bool:
    """Customers' names are shown as initials for a role that may not reveal contact details (a viewer), and for
    everyone when the owner chose so on the Privacy page (a workspace setting)."""
    return not access.allowed("reveal") or ws.setting(MASK_NAMES_SETTING) == "yes"


def shown_names(ws, frame, column: str = "name"):
    """``frame`` with its ``column`` of customers' names as initials where names are masked (a copy), else as is."""
    if column not in frame.columns or not names_masked(ws):
        return frame
    return frame.assign(**{column: frame[column].map(mask_name)})


def shown_name(ws, name: str | None, revealed: bool = False) -> str:
    if revealed or not names_masked(ws):
        return name or "—"
    return mask_name(name)
