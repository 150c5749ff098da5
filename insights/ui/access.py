"""Who is using this session, and what their role lets them do.

On one's own machine nobody signs in: the person at the keyboard owns everything. A hosted Clueboard
(``CLUEBOARD_HOSTED=1``) asks for a sign-in before any page is drawn, in one of two ways:

- the team's own identity provider through Streamlit's ``st.login`` when ``.streamlit/secrets.toml`` has an
  ``[auth]`` section (any OpenID Connect provider); the account is then matched by its e-mail in the accounts file;
- otherwise the accounts file's user names and bcrypt-hashed passwords, through streamlit-authenticator's form
  and its sign-in cookie (a reload or a new tab stays signed in until the cookie expires).

Without an accounts file a hosted session is anonymous and private: its data lives in a temporary folder that goes
with the session. The signed-in account (:class:`insights.core.accounts.Account`) decides the workspaces the session
sees (its team's) and what it may do (:func:`allowed`).
"""

from __future__ import annotations

import urllib.parse

import streamlit as st
import streamlit_authenticator as stauth

from insights.core import accounts
from insights.core.markdown import escape_markdown
from insights.ui import session

_SIGNED_IN_LOGGED = "clueboard_sign_in_logged"


def identity_provider_configured() -> bool:
    """True when Streamlit's secrets configure ``st.login`` (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError):
        return False
    except Exception:  # noqa: BLE001 — a malformed secrets file: Streamlit raises its own error type
        return False


def gate() -> bool:
    """Before any page: True when the session may see pages — on one's own machine, in an anonymous hosted session,
    or once an account has signed in; False after drawing the sign-in form (the router then runs no page, but
    still resolves the URL's page, so a deep link opens after signing in)."""
    if not session.hosted():
        return True
    if identity_provider_configured():
        return _through_identity_provider() is not None
    if accounts.configured():
        return _through_password() is not None
    return True


def _through_identity_provider() -> accounts.Account | None:
    user = st.user
    if not getattr(user, "is_logged_in", False):
        st.title("Clueboard")
        st.caption("Sign in with your team's account to see your shop's data.")
        st.button("Sign in", type="primary", on_click=st.login, key="access_oidc_login")
        return None
    account = accounts.account_by_email(str(getattr(user, "email", "") or ""))
    if account is None:
        st.error("Your account is not on this Clueboard's list of users. Ask an owner of your team to add your "
                 "e-mail address (`python -m insights users add … --email …`).")
        st.button("Sign out", on_click=st.logout, key="access_oidc_logout")
        return None
    _signed_in(account, "identity provider")
    return account


def _authenticator() -> stauth.Authenticate:
    config = accounts.read()      # a copy of its own: the library keeps counters in it and never writes the file back
    name, key, days = accounts.cookie_settings(config)
    return stauth.Authenticate(config["credentials"], name, key or "clueboard-unsigned", days, auto_hash=False)


def _through_password() -> accounts.Account | None:
    authenticator = _authenticator()
    header = st.empty()     # filled only while nobody is signed in (the cookie may sign the session in below)
    authenticator.login(location="main", fields={"Form name": "Sign in", "Username": "User name",
                                                 "Password": "Password", "Login": "Sign in"}, key="access_login")
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Wrong user name or password.")
    if not status:
        with header.container():
            st.title("Clueboard")
            st.caption("Sign in to see your team's shops. Accounts are managed with `python -m insights users`.")
        return None
    account = accounts.account(str(st.session_state.get("username") or ""))
    if account is None:   # removed from the file while signed in
        authenticator.logout(location="unrendered")
        st.error("This account no longer exists. Ask an owner of your team.")
        return None
    _signed_in(account, "password")
    st.session_state["clueboard_authenticator"] = authenticator
    return account


_REQUESTED = "clueboard_requested_page"


def remember_requested_page(page=None) -> None:
    """Before the sign-in: note the page and query (``/profile?customer=…``) the browser asked for, so that
    :func:`open_requested_page` opens it after the sign-in — a shared link keeps working even though the sign-in's
    own reruns land on the first page. Read from the session's URL at its first run, or (``page``) from the
    router's answer while the sign-in form shows."""
    if not session.hosted():
        return
    noted = st.session_state.get(_REQUESTED, ("", {}))
    if noted is None or noted[0]:        # opened already after a sign-in, or a page is noted
        return
    if page is not None:
        if page.url_path:
            st.session_state[_REQUESTED] = (page.url_path, st.query_params.to_dict())
        return
    url = urllib.parse.urlsplit(st.context.url or "")
    query = dict(urllib.parse.parse_qsl(url.query)) or st.query_params.to_dict()
    st.session_state[_REQUESTED] = (url.path.strip("/").split("/")[-1], query)


def open_requested_page(sections: dict, page) -> None:
    """After signing in: switch to the page the URL asked for (when it is one of the app's pages) until the router
    has really opened it — a rerun of the sign-in's cookie can land on the first page again."""
    noted = st.session_state.get(_REQUESTED) or ("", {}, 0)
    url_path, query, tries = (tuple(noted) + (0,))[:3]
    if not url_path or page.url_path == url_path or tries >= 3:
        st.session_state[_REQUESTED] = None
        return
    st.session_state[_REQUESTED] = (url_path, query, tries + 1)
    for pages in sections.values():
        for candidate in pages:
            if candidate.url_path == url_path:
                st.switch_page(candidate, query_params=query or None)
    st.session_state[_REQUESTED] = None


def _signed_in(account: accounts.Account, how: str) -> None:
    previous = st.session_state.get(session.ACCOUNT_KEY)
    if previous is not None and previous.username != account.username:
        session.forget_workspace()      # never carry one account's workspace into another's session
    st.session_state[session.ACCOUNT_KEY] = account
    if st.session_state.get(_SIGNED_IN_LOGGED) != account.username:
        accounts.record_sign_in(account, "signed in", how)
        st.session_state[_SIGNED_IN_LOGGED] = account.username


def sign_out() -> None:
    account = st.session_state.get(session.ACCOUNT_KEY)
    if account is not None:
        accounts.record_sign_in(account, "signed out", "button")
    session.forget_workspace()
    st.session_state.pop(session.ACCOUNT_KEY, None)
    st.session_state.pop(_SIGNED_IN_LOGGED, None)
    authenticator = st.session_state.pop("clueboard_authenticator", None)
    if identity_provider_configured():
        st.logout()
    elif authenticator is not None:
        authenticator.logout(location="unrendered")


def sidebar_account() -> None:
    """Who is signed in, their role and team, and a sign-out button (nothing on one's own machine)."""
    account = st.session_state.get(session.ACCOUNT_KEY)
    if account is None:
        if session.hosted():
            st.sidebar.caption("Private session: your files stay in this browser tab's session and are removed "
                               "when it ends.")
        return
    st.sidebar.caption(f"Signed in as **{escape_markdown(account.name)}** · {account.role} · team "
                       f"{escape_markdown(account.team)}")
    st.sidebar.button("Sign out", key="access_sign_out", on_click=sign_out)


def allowed(action: str) -> bool:
    """May this session do ``action`` (one of :data:`insights.core.accounts.ACTIONS`)? Always on one's own machine
    and in an anonymous hosted session (its data is its own); by role when signed in."""
    account = st.session_state.get(session.ACCOUNT_KEY)
    return True if account is None else account.can(action)


def refusal(action: str) -> str:
    account = st.session_state.get(session.ACCOUNT_KEY)
    role = account.role if account is not None else "owner"
    return (f"Your role ({role}) cannot {accounts.WHAT_ACTIONS_MEAN[action]}. Ask an owner of your team if you "
            "need to.")


def require(action: str) -> None:
    """Stop the page with a plain notice when this session may not do ``action``."""
    if not allowed(action):
        st.info(refusal(action), icon="🔒")
        st.stop()
