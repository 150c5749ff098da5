"""The Upload page before loading: per file what Clueboard recognised and what loading would do (the real load,
rolled back: :mod:`insights.ingest.preview`), and the Load button — or, when something is uncertain, the list of
what to check and "Confirm and load"."""

from __future__ import annotations

import streamlit as st

from insights.core.markdown import escape_markdown
from insights.core import numbers
from insights.core.workspace import Workspace
from insights.ingest.errors import IngestError
from insights.ingest.mapping import KIND_LABELS, KINDS
from insights.ingest.preview import (KIND_IN_WORDS, KIND_SURE_FROM, BatchPreview, FilePreview, WorkspaceBusy,
                                     confirm_kind, load_unless_unsure, preview_load)
from insights.ui import background, session
from insights.ui import upload_steps

PREVIEW_KEY = "clueboard_upload_preview"
BUSY_KEY = "clueboard_upload_busy"


def kind_choice(plan, key: str) -> None:
    """The file's kind, changeable; when Clueboard is not sure, it says so beside the choice."""
    kind = st.selectbox("This file is", KINDS, index=KINDS.index(plan.kind), key=f"{key}-kind",
                        format_func=lambda k: KIND_LABELS[k].capitalize())
    if kind != plan.kind:
        plan.set_kind(kind)
    if plan.kind_confidence < KIND_SURE_FROM:
        other = plan.kind_runner_up
        st.warning(f"Clueboard is not sure this is {KIND_IN_WORDS[plan.kind]}"
                   + (f" — it could also be {KIND_IN_WORDS[other]}" if other else "")
                   + ". Choose what the file is above, or say it is right.", icon="❓")
        if st.checkbox(f"Yes, this is {KIND_IN_WORDS[plan.kind]}", key=f"{key}-kind-ok"):
            confirm_kind(plan)


def plan_state(plan) -> tuple:
    """Everything of a plan that changes what its load would do (the preview's cache key)."""
    return (plan.sha256, plan.kind, tuple(sorted(plan.mapping.items(), key=lambda kv: kv[0])), plan.date_order,
            round(float(plan.kind_confidence), 3), tuple(getattr(plan, "confirmations", None) or ()))


def batch_preview(ws: Workspace, plans, set_aside_identical: bool = False) -> BatchPreview | None:
    """What loading ``plans`` would do, computed once per state of the plans and of the workspace (the sample
    shop's uploads go into a new, empty workspace, so they are previewed against an empty one). None, with the
    reason shown, when the files cannot be loaded as they are mapped."""
    on_sample = session.is_sample(ws)
    key = ("sample" if on_sample else ws.content_hash(), tuple(plan_state(p) for p in plans), set_aside_identical)
    cached = st.session_state.get(PREVIEW_KEY)
    if cached and cached[0] == key:
        return cached[1]
    try:
        with st.spinner("Checking what loading these files would do…"):
            preview = preview_load(None if on_sample else ws, plans, set_aside_identical=set_aside_identical)
    except WorkspaceBusy:
        st.info("This workspace is being loaded in another tab right now; the check runs when that finishes.")
        return None
    except IngestError as err:
        st.error(f"These files cannot be loaded as they are: {err}")
        return None
    st.session_state[PREVIEW_KEY] = (key, preview)
    return preview


def expected_outcome(preview: FilePreview, plan) -> None:
    """One file's expected outcome in words, and its first rows as Clueboard will read them and as written."""
    f = preview.outcome
    if f.already_loaded:
        st.info("This exact file is in the workspace already: loading it again changes nothing.", icon="ℹ️")
        return
    lines = [f"**If you load it:** {f.rows_loaded:,} of {f.rows_read:,} rows will be loaded"]
    for reason, n in f.rejected_by_reason.items():
        lines.append(f"- {n:,} rejected: {escape_markdown(reason)}")
    for reason, n in f.set_aside_by_reason.items():
        lines.append(f"- {n:,} set aside: {escape_markdown(reason)}")
    if f.kind == "transactions" and f.role == "lines":
        money = lambda amount: numbers.money(amount, f.currency)  # noqa: E731
        lines.append(f"- revenue in the file {money(f.revenue_read)}: {money(f.revenue_loaded)} loaded"
                     + (f", {money(f.revenue_rejected)} rejected" if f.revenue_rejected else "")
                     + (f", {money(f.revenue_set_aside)} set aside" if f.revenue_set_aside else ""))
    if f.role == "orders":
        lines.append("- an orders table: its dates and customers complete the order lines of the other files")
    st.markdown("\n".join(lines))
    read, written = st.tabs(["Preview: as Clueboard will read it", "As written in your file"])
    with read:
        if len(preview.rows):
            st.dataframe(preview.rows, hide_index=True)
        else:
            st.caption("No rows of this file go into a table of their own.")
    with written:
        st.dataframe(plan.preview.head(len(preview.rows) or 10), hide_index=True)


def load_controls(plans, preview: BatchPreview, set_aside_identical: bool = False) -> None:
    """"Load N files" when nothing is uncertain; otherwise what to check and "Confirm and load"."""
    busy = st.session_state.pop(BUSY_KEY, None)
    if busy:
        st.error(busy)
    label = f"{len(plans)} file{'s' if len(plans) > 1 else ''}"
    asks = preview.needs_confirmation
    if not asks:
        if st.button(f"Load {label}", type="primary"):
            _load(plans, confirmed=False, set_aside_identical=set_aside_identical)
        return
    with st.container(border=True):
        st.markdown("**Nothing is loaded yet. Please check before loading:**\n"
                    + "\n".join(f"- {escape_markdown(c.question)}" for c in asks))
        st.caption("Change the file's kind or its columns above — the check runs again — or confirm that "
                   "it is right as shown.")
        if st.button(f"Confirm and load {label}", type="primary"):
            _load(plans, confirmed=True, set_aside_identical=set_aside_identical)


def _load(plans, confirmed: bool, set_aside_identical: bool = False) -> None:
    target = session.writable_workspace()
    bar = st.progress(0.0, text="Reading files…")
    try:
        preview, report = load_unless_unsure(
            target, plans, confirmed=confirmed, wait=5.0, set_aside_identical=set_aside_identical,
            progress=lambda f, msg: bar.progress(min(max(f, 0.0), 1.0), text=msg))
    except WorkspaceBusy:
        st.session_state[BUSY_KEY] = ("This workspace is being loaded in another tab right now. Nothing was "
                                      "loaded: try again when that load finishes.")
        st.rerun()
    if report is not None:
        bar.progress(1.0, text="Loaded. Preparing the result…")   # the page still rebuilds what it shows
        upload_steps.finish_load(target, report, plans)
        st.session_state.pop(PREVIEW_KEY, None)
        background.start_model_refresh(target)     # the models' stage: the pages that need them wait for it
    session.set_workspace(target, sample=False)
    st.rerun()
