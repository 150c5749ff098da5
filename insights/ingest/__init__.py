"""Getting a shop's spreadsheets into a workspace: read, recognise, map, parse, load, account for every row.

    plan = prepare_file("orders.csv", ws=ws)          # read + propose kind and mapping (nothing written)
    plan.set_mapping("unit_price", 7)                  # the owner corrects what was wrong
    report = load_prepared(ws, [plan])                 # one transaction; marts rebuilt after
    report = ingest_files(ws, ["a.csv", "b.xlsx"])     # both steps, for the CLI and tests

Modules: ``readers`` (file → all-text table), ``values`` (text → dates, numbers, ids, yes/no),
``mapping`` (kind and column mapping, mapping memory, :class:`FilePlan`), ``load`` (row accounting and
the canonical tables), ``identity`` (one customer key across files), ``health`` (what the owner should know).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
from pathlib import Path
from typing import Sequence

from insights.ingest.health import HealthItem, health_report
from insights.ingest.load import (FileReport, IngestReport, gc_paused, load_prepared, path_sha256, rejects_frame,
                                  set_aside_frame, workspace_summary)
from insights.ingest.mapping import FilePlan

log = logging.getLogger(__name__)

__all__ = ["prepare_file", "load_prepared", "ingest_files", "FilePlan", "FileReport", "IngestReport",
           "HealthItem", "health_report", "rejects_frame", "set_aside_frame", "workspace_summary"]


def _memory(ws) -> dict:
    if ws is None:
        return {}
    import json
    rows = ws.con.execute("select layout_signature, kind, mapping from mapping_memory").fetchall()
    return {sig: {"kind": kind, "mapping": json.loads(mapping)} for sig, kind, mapping in rows}


def prepare_file(source, *, name: str | None = None, kind: str | None = None, sheet: str | None = None,
                 encoding: str | None = None, delimiter: str | None = None, ws=None) -> FilePlan:
    """Read ``source`` (a path or the bytes of an upload) and propose how to load it. Writes nothing.

    Raises :class:`insights.ingest.errors.IngestError` when the file cannot be read at all.
    """
    with gc_paused():
        return _prepare_file(source, name=name, kind=kind, sheet=sheet, encoding=encoding, delimiter=delimiter,
                             ws=ws)


def _prepare_file(source, *, name, kind, sheet, encoding, delimiter, ws) -> FilePlan:
    from insights.ingest import readers
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        path = None
        name = name or "upload"
        sha = hashlib.sha256(data).hexdigest()
    else:
        path = Path(source)
        name = name or path.name
        data = path
    if path is None:
        raw = readers.read_file(data, name=name, sheet=sheet, encoding=encoding, delimiter=delimiter)
    else:
        # the file's fingerprint is taken while it is parsed (hashlib and the parsers release the GIL)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            fingerprint = pool.submit(path_sha256, path)
            try:
                raw = readers.read_file(data, name=name, sheet=sheet, encoding=encoding, delimiter=delimiter)
            finally:
                sha_or_error = fingerprint.exception() or fingerprint.result()
        if isinstance(sha_or_error, OSError):
            from insights.ingest.errors import IngestError
            raise IngestError(str(path), None, None, f"a readable file ({sha_or_error.strerror or sha_or_error})") \
                from None
        sha = sha_or_error
    if sheet is None and getattr(raw, "sheet", None):
        sha = hashlib.sha256((sha + "\x1f" + str(raw.sheet)).encode()).hexdigest()
    elif sheet is not None:
        sha = hashlib.sha256((sha + "\x1f" + str(sheet)).encode()).hexdigest()
    return FilePlan(raw, name=name, path=str(path) if path else None, sha256=sha, kind=kind, memory=_memory(ws))


def ingest_files(ws, paths: Sequence, kind: str | None = None, progress=None) -> IngestReport:
    """Prepare and load files with the proposed mapping (the command line and tests use this)."""
    plans = [prepare_file(p, kind=kind, ws=ws) for p in paths]
    return load_prepared(ws, plans, progress=progress)
