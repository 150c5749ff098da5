"""A file (a path, or the bytes of an upload) read and understood, ready to load: :func:`prepare_file`; and both
steps at once for the command line and tests: :func:`ingest_files`."""

from __future__ import annotations

import concurrent.futures
import hashlib
from pathlib import Path
from typing import Sequence

from insights.ingest.readers.read import read_file
from insights.ingest.errors import IngestError
from insights.ingest.load.batch import gc_paused, load_prepared
from insights.ingest.load.memory import remembered_layouts
from insights.ingest.load.shopify import apply_profile
from insights.ingest.load.report import IngestReport
from insights.ingest.mapping.ab_tests import refuse_ab_test
from insights.ingest.mapping.plan import FilePlan


def prepare_file(source, *, name: str | None = None, kind: str | None = None, sheet: str | None = None,
                 encoding: str | None = None, delimiter: str | None = None, ws=None) -> FilePlan:
    """Read ``source`` (a path or the bytes of an upload) and propose how to load it. Writes nothing.

    Raises :class:`insights.ingest.errors.IngestError` when the file cannot be read at all, or (unless ``kind``
    is given) when it is an A/B-test result file (``mapping.ab_tests``).
    """
    with gc_paused():
        return _prepare_file(source, name=name, kind=kind, sheet=sheet, encoding=encoding, delimiter=delimiter,
                             ws=ws)


def _prepare_file(source, *, name, kind, sheet, encoding, delimiter, ws) -> FilePlan:
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
        raw = read_file(data, name=name, sheet=sheet, encoding=encoding, delimiter=delimiter)
    else:
        # the file's fingerprint is taken while it is parsed (hashlib and the parsers release the GIL)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            fingerprint = pool.submit(path_sha256, path)
            try:
                raw = read_file(data, name=name, sheet=sheet, encoding=encoding, delimiter=delimiter)
            finally:
                sha_or_error = fingerprint.exception() or fingerprint.result()
        if isinstance(sha_or_error, OSError):
            raise IngestError(str(path), None, None, f"a readable file ({sha_or_error.strerror or sha_or_error})") \
                from None
        sha = sha_or_error
    if sheet is None and getattr(raw, "sheet", None):
        sha = hashlib.sha256((sha + "\x1f" + str(raw.sheet)).encode()).hexdigest()
    elif sheet is not None:
        sha = hashlib.sha256((sha + "\x1f" + str(sheet)).encode()).hexdigest()
    if kind is None:   # an A/B-test result file is refused with what it is, unless the owner chose a kind
        refuse_ab_test(name, raw.columns, [raw.data.column(i).slice(0, 1000).to_pylist()
                                           for i in range(raw.data.num_columns)])
    plan = FilePlan(raw, name=name, path=str(path) if path else None, sha256=sha, kind=kind,
                    memory=remembered_layouts(ws))
    if kind in (None, "transactions"):
        apply_profile(plan)           # a Shopify orders export: its order fields on every line, its money parts
    return plan


def ingest_files(ws, paths: Sequence, kind: str | None = None, progress=None, *,
                 set_aside_identical: bool = False) -> IngestReport:
    """Prepare and load files with the proposed mapping (the command line and tests use this)."""
    plans = [prepare_file(p, kind=kind, ws=ws) for p in paths]
    return load_prepared(ws, plans, progress=progress, set_aside_identical=set_aside_identical)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
