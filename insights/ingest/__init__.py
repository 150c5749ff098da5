"""Getting a shop's spreadsheets into a workspace: read, recognise, map, parse, load, account for every row.

    plan = prepare_file("orders.csv", ws=ws)          # read + propose kind and mapping (nothing written)
    plan.set_mapping("unit_price", 7)                  # the owner corrects what was wrong
    report = load_prepared(ws, [plan])                 # one transaction; marts rebuilt after
    report = ingest_files(ws, ["a.csv", "b.xlsx"])     # both steps, for the CLI and tests

Modules: ``readers`` (file → all-text table), ``values`` (text → dates, numbers, ids, yes/no),
``mapping`` (kind and column mapping, :class:`FilePlan`), ``prepare`` (a file read and understood, ready to
load), ``load`` (row accounting and the canonical tables, one customer key across files, mapping memory, data
health), ``errors`` (what the owner is told when a file cannot be read) and ``sample`` (the bundled sample shop).
"""

from __future__ import annotations

from insights.ingest.load import (FileReport, HealthItem, IngestReport, gc_paused, health_report, load_prepared,
                                  rejects_frame, set_aside_frame, workspace_summary)
from insights.ingest.mapping import FilePlan
from insights.ingest.prepare import ingest_files, path_sha256, prepare_file

__all__ = ["prepare_file", "load_prepared", "ingest_files", "FilePlan", "FileReport", "IngestReport",
           "HealthItem", "health_report", "rejects_frame", "set_aside_frame", "workspace_summary", "gc_paused",
           "path_sha256"]
