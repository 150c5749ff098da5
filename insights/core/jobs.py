"""Background jobs of this process: work started after an upload (fitting the models) that pages wait for
without blocking the upload, each with the progress it reports.

A job is keyed by what it works on (e.g. ``("models", "/path/to/workspace")``): starting a job whose key is
already running returns the running one, so two tabs or two pages never fit the same workspace twice at once. The
job runs ``work(progress)`` in a daemon thread; ``progress(fraction, text)`` updates what :func:`get` returns.
Only a job's state and progress text are shared between sessions (never data): a workspace's key is its folder,
which in hosted mode only its own session knows.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any, Callable, Hashable

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"


@dataclasses.dataclass(frozen=True)
class Job:
    """A snapshot of one job: ``state`` (running / done / failed), its last progress, its result or error."""
    key: Hashable
    state: str
    fraction: float = 0.0
    text: str = ""
    result: Any = None
    error: str | None = None
    started: float = 0.0
    finished: float | None = None

    @property
    def running(self) -> bool:
        return self.state == RUNNING


_JOBS: dict[Hashable, Job] = {}
_THREADS: dict[Hashable, threading.Thread] = {}
_GUARD = threading.Lock()


def _update(key: Hashable, **changes) -> None:
    with _GUARD:
        job = _JOBS.get(key)
        if job is not None:
            _JOBS[key] = dataclasses.replace(job, **changes)


def start(key: Hashable, work: Callable[[Callable[[float, str], None]], Any]) -> Job:
    """Run ``work(progress)`` in a background thread under ``key``, unless a job of that key is running (then
    that one is returned). An exception in ``work`` ends the job as ``failed`` with its message (and is logged)."""
    with _GUARD:
        job = _JOBS.get(key)
        if job is not None and job.running:
            return job
        job = _JOBS[key] = Job(key, RUNNING, 0.0, "Starting…", started=time.time())

    def progress(fraction: float, text: str) -> None:
        _update(key, fraction=min(max(float(fraction), 0.0), 1.0), text=text)

    def run() -> None:
        try:
            result = work(progress)
        except Exception as exc:  # noqa: BLE001 — a background job reports its failure instead of dying silently
            log.exception("background job %r failed", key)
            _update(key, state=FAILED, error=str(exc) or type(exc).__name__, finished=time.time())
        else:
            _update(key, state=DONE, fraction=1.0, text="Done", result=result, finished=time.time())

    thread = threading.Thread(target=run, name=f"job-{key}", daemon=True)
    with _GUARD:
        _THREADS[key] = thread
    thread.start()
    return job


def get(key: Hashable) -> Job | None:
    """The job of ``key`` as it stands now (running, done or failed); None when none was started."""
    with _GUARD:
        return _JOBS.get(key)


def wait(key: Hashable, timeout: float | None = None) -> Job | None:
    """Wait until the job of ``key`` ends (or ``timeout`` seconds pass); the job as it then stands."""
    with _GUARD:
        thread = _THREADS.get(key)
    if thread is not None:
        thread.join(timeout)
    return get(key)
