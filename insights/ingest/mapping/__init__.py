"""Recognising what a file is and which of its columns is which canonical field.

A file is one of four kinds (``transactions``, ``customers``, ``events``, ``feedback``). Its columns are
mapped to the canonical fields of that kind first by header name (many spellings and a few languages,
compared after normalising: lower case, accents and punctuation removed) and then, for columns whose
names say nothing, by content (emails, dates, money, small whole numbers, ids).

The result is a plain dict ``field -> column index`` that the owner can change; a confirmed mapping is
remembered in the workspace's ``mapping_memory`` under a layout signature (the kind plus the normalised
headers), so the next export of the same layout maps itself (stored and read by ``insights.ingest.load.memory``).

Modules: ``fields`` (kinds, canonical fields, labels, what is required), ``headers`` (recognition by header
name, the kind, the layout signature), ``content`` (recognition by the values) and ``plan`` (the proposal and
the :class:`FilePlan` of one file).
"""

from __future__ import annotations

from insights.ingest.mapping.content import ColumnProfile, map_by_content, profile_column
from insights.ingest.mapping.fields import (BOOL_FIELDS, DATE_FIELDS, FIELD_LABELS, FIELDS, ID_FIELDS, KIND_LABELS,
                                            KINDS, MONEY_FIELDS, NUMBER_FIELDS, REQUIRED, missing_required)
from insights.ingest.mapping.headers import SYNONYMS, detect_kind, layout_signature, map_by_name, normalise_header
from insights.ingest.mapping.plan import DATE_ORDERS, FilePlan, Proposal, propose

__all__ = ["KINDS", "KIND_LABELS", "FIELDS", "FIELD_LABELS", "DATE_FIELDS", "NUMBER_FIELDS", "MONEY_FIELDS",
           "ID_FIELDS", "BOOL_FIELDS", "REQUIRED", "missing_required", "SYNONYMS", "normalise_header",
           "layout_signature", "map_by_name", "detect_kind", "ColumnProfile", "profile_column", "map_by_content",
           "Proposal", "propose", "DATE_ORDERS", "FilePlan"]
