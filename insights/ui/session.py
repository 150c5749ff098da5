"""The browser session's workspace, the shared sidebar, and a per-session memo.

Each Streamlit session keeps its own :class:`~insights.core.workspace.Workspace` (and so its own DuckDB
connection) in ``st.session_state``; nothing holding one user's data sits in a cache shared by all
sessions. Results are memoised per session with :func:`memo`, keyed on the workspace's content hash.

Local mode (default): workspaces persist under ``$CLUEBOARD_HOME/workspaces`` and can be listed,
reopened, renamed and deleted. Hosted mode (``CLUEBOARD_HOSTED=1``) with accounts (:mod:`insights.ui.access`):
a signed-in session sees its team's workspaces, which persist under ``$CLUEBOARD_HOME/teams/<team>``; without
accounts each session gets a private workspace in a temporary folder and never sees another's list.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from insights.performance.kpis import data_currency, data_range
from insights.ingest.sample import SAMPLE_NAME, ensure_sample_workspace
from insights.core import accounts
from insights.core.markdown import escape_markdown
from insights.core.workspace import Workspace, default_root, list_workspaces
from insights.ui import date_filter

WORKSPACE_KEY = "clueboard_workspace"
MEMO_KEY = "clueboard_memo"
SAMPLE_FLAG_KEY = "clueboard_on_sample"
ACCOUNT_KEY = "clueboard_account"      # the signed-in account (hosted mode with accounts), set by ui.access
WS_OWNER_KEY = "clueboard_ws_owner"    # whose session the workspace in session_state was opened for
SWITCH_KEY = "clueboard_ws_choice"   # the sidebar's "Switch workspace" box: the index of the workspace shown
MEMO_MAX_ENTRIES = 64
UPLOAD_PAGE = "app_pages/upload.py"


def hosted() -> bool:
    return os.environ.get("CLUEBOARD_HOSTED", "") not in ("", "0", "false")


class _ScratchFolder:
    """A temporary folder removed when this object is dropped with the session (or when the server stops)."""

    def __init__(self, prefix: str):
        self.path = tempfile.mkdtemp(prefix=prefix)
        weakref.finalize(self, shutil.rmtree, self.path, True)


def signed_in() -> accounts.Account | None:
    return st.session_state.get(ACCOUNT_KEY)


def _owner() -> str | None:
    account = signed_in()
    return account.username if account is not None else None


def forget_workspace() -> None:
    """Drop the session's workspace and memo (on sign-out, or when another account signs in)."""
    old = st.session_state.pop(WORKSPACE_KEY, None)
    if old is not None:
        old.close()
    for key in (SAMPLE_FLAG_KEY, WS_OWNER_KEY, SWITCH_KEY):
        st.session_state.pop(key, None)
    st.session_state[MEMO_KEY] = collections.OrderedDict()


def workspaces_root() -> Path:
    account = signed_in()
    if account is not None:
        return accounts.team_root(account.team)
    if hosted():
        if "clueboard_private_root" not in st.session_state:
            st.session_state["clueboard_private_root"] = _ScratchFolder("clueboard-session-")
        return Path(st.session_state["clueboard_private_root"].path)
    return default_root()


def sample_cache_dir() -> Path:
    return default_root().parent / "sample"


def is_sample(ws: Workspace) -> bool:
    return bool(st.session_state.get(SAMPLE_FLAG_KEY)) and st.session_state.get(WORKSPACE_KEY) is ws


def set_workspace(ws: Workspace, sample: bool = False) -> None:
    old = st.session_state.get(WORKSPACE_KEY)
    if old is not None and old is not ws:
        old.close()
    st.session_state[WORKSPACE_KEY] = ws
    st.session_state[WS_OWNER_KEY] = _owner()
    st.session_state[SAMPLE_FLAG_KEY] = sample
    st.session_state[MEMO_KEY] = collections.OrderedDict()
    remember_workspace(ws, sample)


def last_workspace_file() -> Path:
    account = signed_in()
    if account is not None:   # per account, inside its team's folder
        return accounts.team_root(account.team).parent / "last-workspace" / account.username
    return default_root().parent / "last_workspace"


def _remembers() -> bool:
    """Local mode and signed-in accounts reopen the workspace used last; anonymous hosted sessions never do."""
    return not hosted() or signed_in() is not None


def remember_workspace(ws: Workspace, sample: bool) -> None:
    """Local mode or a signed-in account: note the workspace in use, so that the next visit (a new tab,
    tomorrow) reopens it."""
    if not _remembers():
        return
    marker = last_workspace_file()
    try:
        if sample or ws.path is None:
            marker.unlink(missing_ok=True)
            return
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(str(ws.path), encoding="utf-8")
        tmp.replace(marker)
    except OSError:
        pass   # remembering is a convenience: a read-only home folder must not break the page


def reopen_last_workspace() -> Workspace | None:
    """The workspace used last (local mode, or by this signed-in account), if it still exists; None otherwise
    (and always in an anonymous hosted session)."""
    if not _remembers():
        return None
    try:
        path = Path(last_workspace_file().read_text(encoding="utf-8").strip())
    except OSError:
        return None
    if not path.is_dir() or (signed_in() is not None and workspaces_root().resolve() not in path.resolve().parents):
        return None
    try:
        return Workspace.open(path)
    except Exception:  # noqa: BLE001 — a damaged or foreign folder: fall back to the sample shop
        return None


def _first_team_workspace() -> Workspace | None:
    """A signed-in account's first visit: its team's first workspace, when the team has one."""
    if signed_in() is None:
        return None
    for info in list_workspaces(workspaces_root()):
        try:
            return Workspace.open(info.path)
        except Exception:  # noqa: BLE001 — a damaged folder: try the next one
            continue
    return None


def open_sample_copy() -> Workspace:
    """A private, writable copy of the sample shop for this session (models write scores into it)."""
    with st.spinner("Preparing the sample shop…"):
        built = ensure_sample_workspace(sample_cache_dir())
        scratch = tempfile.mkdtemp(prefix="clueboard-sample-")
        private = Path(scratch) / built.name
        shutil.copytree(built, private)
    ws = Workspace.open(private)
    # the copy lives as long as the session's workspace object: when Streamlit drops the session (or the
    # server stops), the folder goes too
    weakref.finalize(ws, _remove_folder, scratch, ws.con)
    return ws


def _remove_folder(folder: str, con) -> None:
    with contextlib.suppress(Exception):
        con.close()
    shutil.rmtree(folder, ignore_errors=True)


def get_workspace() -> Workspace:
    """This session's workspace. On first use: in local mode the workspace used last (so a new tab or
    tomorrow's visit finds the owner's data), otherwise a private copy of the bundled sample shop."""
    ws = st.session_state.get(WORKSPACE_KEY)
    if ws is not None and st.session_state.get(WS_OWNER_KEY) != _owner():
        forget_workspace()   # opened for another account: never shown to this one
        ws = None
    if ws is None:
        last = reopen_last_workspace() or _first_team_workspace()
        if last is not None:
            set_workspace(last)
            return last
        ws = open_sample_copy()
        set_workspace(ws, sample=True)
    return ws


def writable_workspace(default_name: str = "My shop") -> Workspace:
    """The workspace uploads go into: the current one, or a new one if the session is on the sample."""
    ws = get_workspace()
    if is_sample(ws):
        ws = Workspace.create(default_name, root=workspaces_root())
        set_workspace(ws)
    return ws


def currency(ws: Workspace) -> str | None:
    """The workspace's currency code (from the data, or the owner's choice on the Upload page), or None."""
    # the data's currency changes only with the data (memoised on its hash); the owner's choice is read live
    return memo("data_currency", data_currency, ws) or ws.setting("currency")


def currency_label(code: str | None) -> str:
    """What to write after an amount's label: ``EUR``, or ``file currency`` when nobody said which."""
    return code or "file currency"


def require_workspace() -> Workspace:
    return get_workspace()


def require_workspace_with_orders() -> Workspace:
    """The session's workspace if it holds orders; otherwise a notice linking to Upload, and stop."""
    ws = get_workspace()
    if not ws.has_orders():
        st.info("This workspace has no orders yet. Load an orders export (CSV, Excel or Parquet) to see this page.")
        st.page_link(UPLOAD_PAGE, label="Go to Upload", icon="📤")
        st.stop()
    ws.ensure_marts()
    return ws


def page_header(title: str, caption: str, needs: str | None = None, missing: str = "") -> Workspace:
    """The session's workspace under a page's title and caption; with ``needs`` (a canonical table), a notice
    saying which file would fill the page, and stop, when that table is empty."""
    ws = get_workspace()
    st.title(title)
    st.caption(caption)
    if needs and not ws.row_counts()[needs]:
        st.info(missing)
        st.stop()
    return ws


def memo(name: str, fn: Callable[..., Any], /, *args, **kwargs) -> Any:
    """Call ``fn(ws_or_args...)`` once per (name, workspace content, arguments) in THIS session.

    Kept in ``st.session_state`` (never a cache shared by sessions), bounded to the latest entries.
    ``args``/``kwargs`` must be hashable or repr-stable; a Workspace among them is keyed by its content hash.
    """
    store: collections.OrderedDict = st.session_state.setdefault(MEMO_KEY, collections.OrderedDict())
    key = (name,) + tuple(_key_part(a) for a in args) + tuple((k, _key_part(v)) for k, v in sorted(kwargs.items()))
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = fn(*args, **kwargs)
    store[key] = value
    while len(store) > MEMO_MAX_ENTRIES:
        store.popitem(last=False)
    return value


def _key_part(value: Any) -> Any:
    if isinstance(value, Workspace):
        return ("ws", value.content_hash())
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ("bytes", hashlib.sha256(value).hexdigest())
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def sidebar() -> None:
    """Workspace facts, the date filter (carried by the link) and the workspace switcher, on every page."""
    ws = get_workspace()
    with st.sidebar:
        st.caption("Workspace")
        st.markdown(f"**{escape_markdown(ws.name)}**" + (" · sample data" if is_sample(ws) else ""))
        counts = ws.row_counts()
        st.caption(f"{counts['order_lines']:,} order lines · {counts['customer_records']:,} CRM rows · "
                   f"{counts['events']:,} events · {counts['feedback']:,} feedback")
        if counts["order_lines"]:
            date_filter.sidebar_filter(*memo("kpi_data_range", data_range, ws))
        if hosted() and signed_in() is None:
            return
        options = list_workspaces(workspaces_root())
        if options:
            labels = [SAMPLE_NAME] + [w.name for w in options]
            current = 0 if is_sample(ws) else next(
                (i + 1 for i, w in enumerate(options) if ws.path and w.path == ws.path), 0)
            # the box shows the workspace in use, whoever changed it (the Upload page's "Create and switch",
            # a delete): its remembered value is reset before the box is drawn, so a stale choice can never
            # switch the session back to the previous shop
            if st.session_state.get(SWITCH_KEY) != current:
                st.session_state[SWITCH_KEY] = current
            choice = st.selectbox("Switch workspace", range(len(labels)), format_func=labels.__getitem__,
                                  key=SWITCH_KEY)
            if choice != current:
                if choice == 0:
                    set_workspace(open_sample_copy(), sample=True)
                else:
                    set_workspace(Workspace.open(options[choice - 1].path))
                st.rerun()
