"""The models fitted in the background after an upload, as the pages see them.

The Upload page starts the fit (:func:`start_model_refresh`) as soon as the rows and the marts are written, and
the overview and KPI pages open without waiting for it. A page that shows the models' results either waits for
them with the fit's progress on screen (:func:`wait_for_models`: customer value, churn); the segment and profile pages
show them once they are stored (never stale ones, :func:`insights.core.scores.current`), and the Upload page shows
the fit's progress (:func:`models_note`). A page opened on data whose stored model is stale starts its fit itself,
so a stale result is never shown and always rebuilt.

The fit runs in a thread of the server (:mod:`insights.core.jobs`) on its own connection to the workspace file;
an in-memory workspace (tests) is fitted in the page itself.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from insights.core import jobs
from insights.core.workspace import Workspace
from insights.predictions.refresh import MODELS, refresh_models, stale_models

POLL_SECONDS = 0.25
RETRY_AFTER_SECONDS = 60.0


def job_key(ws: Workspace) -> tuple[str, str] | None:
    """The background job's key for ``ws`` (its folder); None for an in-memory workspace."""
    return None if ws.path is None else ("models", str(Path(ws.path).resolve()))


def start_model_refresh(ws: Workspace, models=MODELS) -> jobs.Job | None:
    """Fit the stale ones of ``models`` of ``ws`` in the background (no-op while a fit of ``ws`` runs). None when
    ``ws`` has no folder or no orders."""
    key = job_key(ws)
    if key is None or not ws.has_orders():
        return None
    path, chosen = ws.path, tuple(models)

    def work(progress):
        own = Workspace.open(path)       # its own connection: the page's keeps serving the page
        try:
            return refresh_models(own, progress, chosen)
        finally:
            own.close()
    return jobs.start(key, work)


def running_job(ws: Workspace) -> jobs.Job | None:
    """The background fit of ``ws`` if one is running now."""
    key = job_key(ws)
    job = jobs.get(key) if key is not None else None
    return job if job is not None and job.running else None


def ensure_models(ws: Workspace, models=MODELS) -> jobs.Job | None:
    """The running fit of ``ws``; else one started here for those of ``models`` whose stored run is stale. None
    when they are all current (or a fit of them just failed: the page then fits, or says why, itself)."""
    job = running_job(ws)
    if job is not None:
        return job
    key = job_key(ws)
    last = jobs.get(key) if key is not None else None
    if last is not None and last.state == jobs.FAILED and time.time() - (last.finished or 0) < RETRY_AFTER_SECONDS:
        return None
    stale = stale_models(ws, models)
    if not stale:
        return None
    if key is None:                      # in memory: no file for a second connection, so fit here
        bar = st.progress(0.0, text="Fitting the models…")
        refresh_models(ws, lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text), stale)
        bar.empty()
        return None
    return start_model_refresh(ws, stale)


def wait_for_models(ws: Workspace, model: str) -> None:
    """For a page that shows ``model``'s results: wait, with the fit's progress on screen, until the stored run
    of ``model`` is current — the fit started after the upload, or one started here when the stored run is stale.
    The page only polls: the fit runs in the server's thread, and leaving the page leaves it running."""
    key = job_key(ws)
    for _ in range(2):                   # a fit of other models may be running: wait for it, then for ours
        job = ensure_models(ws, (model,))
        if job is None:
            return
        bar = st.progress(job.fraction, text=f"Fitting the models in the background: {job.text}")
        while job is not None and job.running:
            bar.progress(job.fraction, text=f"Fitting the models in the background: {job.text}")
            time.sleep(POLL_SECONDS)
            job = jobs.get(key)
        bar.empty()
        if job is not None and job.state == jobs.FAILED:
            st.warning(f"The models could not be fitted in the background ({job.error}); fitting them here.")
            return


def models_note(ws: Workspace) -> None:
    """While a background fit of ``ws`` runs (started by an upload), a line with its progress that refreshes
    itself and reloads the page when the fit is done. Starts nothing."""
    if running_job(ws) is None:
        return

    @st.fragment(run_every=2.0)
    def note() -> None:
        job = running_job(ws)
        if job is None:
            st.rerun()                   # the predictions are stored: show them
        st.caption(f"⏳ Customer value and churn risk are being computed in the background "
                   f"({job.fraction:.0%}: {job.text}); the pages that show them wait for them.")
    note()
