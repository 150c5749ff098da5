"""The plan of one file: its kind and mapping proposed from headers, content and memory (:func:`propose`), and
the :class:`FilePlan` the owner corrects before loading."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from insights.ingest import values as V
from insights.ingest.mapping.date_roles import order_date_reason, settle_order_date
from insights.ingest.mapping.order_files import file_role
from insights.ingest.mapping.content import (ColumnProfile, answers_in_words, answers_scores, map_by_content,
                                             names_events, profile_column)
from insights.ingest.mapping.fields import DATE_FIELDS, FIELDS, KINDS, REQUIRED
from insights.ingest.mapping.headers import (detect_kind, is_question, kind_confidence, layout_signature,
                                             map_by_name, normalise_header)
from insights.ingest.mapping.spend_files import spend_votes
from insights.ingest.mapping.profiles import (apply_people_rules, apply_profile, contact_fallbacks, profile_fallbacks,
                                              recognise)


@dataclass
class Proposal:
    kind: str
    mapping: dict[str, int | None]
    confidence: dict[str, str] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)
    kind_confidence: float = 1.0         # how sure the detected kind is (1.0 when the owner gave it)
    kind_runner_up: str | None = None    # the next most likely kind
    profile: str | None = None           # the vendor layout recognised (see ``mapping.profiles``)
    notes: list[str] = field(default_factory=list)
    fallbacks: dict[str, list[int]] = field(default_factory=dict)  # field -> columns filling its empty cells


def content_votes(headers: Sequence[str], profiles: list[ColumnProfile], has_header: bool) -> dict[str, int]:
    """Evidence for a kind from the values: money and e-mails in a headerless file; a survey question answered
    on a 0–10 scale (strong: 9) or in sentences (3); an event column holding event names (6)."""
    votes: dict[str, int] = {}
    if not has_header:
        if any(p.emails >= 0.8 for p in profiles):
            votes["customers"] = 1
        if any(p.decimals >= 0.95 and p.has_fraction for p in profiles):
            votes["transactions"] = 3
        return votes
    questions = [p for p in profiles if p.index < len(headers) and is_question(headers[p.index])]
    feedback = 9 * any(answers_scores(p) for p in questions) + 3 * any(answers_in_words(p) for p in questions)
    if feedback:
        votes["feedback"] = feedback
    named = map_by_name(headers, "events").get("event_name")
    event_columns = {i for i, h in enumerate(headers) if "event" in normalise_header(h)}
    if named is not None:
        event_columns.add(named[0])
    if any(names_events(p) for p in profiles if p.index in event_columns):
        votes["events"] = 6
    votes.update(spend_votes(headers))
    return votes


def propose(headers: Sequence[str], kind: str | None, profiles: list[ColumnProfile], has_header: bool) -> Proposal:
    """Kind (unless given) and mapping for a file from its headers and column profiles."""
    detected, scores = detect_kind(headers, content_votes(headers, profiles, has_header) if profiles else None)
    sureness, runner_up = kind_confidence(scores) if kind is None else (1.0, None)
    vendor = recognise(headers) if has_header else None
    if kind is None and vendor is not None:
        # a vendor's whole header set is stronger evidence than any one column
        detected, sureness = vendor.kind, max(sureness, 0.95)
        runner_up = runner_up if runner_up != vendor.kind else None
    kind = kind or detected
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    by_name = map_by_name(headers, kind) if has_header else {}
    mapping: dict[str, int | None] = {f: None for f in FIELDS[kind]}
    confidence: dict[str, str] = {}
    for fld, (idx, rank) in by_name.items():
        mapping[fld] = idx
        confidence[fld] = "name" if rank < 3 else "name (variant)"
    map_by_content(profiles, kind, mapping, confidence, has_header, headers)
    vendor = vendor if vendor is not None and vendor.kind == kind else None
    notes = [f"Layout recognised: {vendor.name} export."] + list(vendor.notes) if vendor else []
    if vendor:
        apply_profile(vendor, headers, mapping, confidence)
    if has_header:
        notes += apply_people_rules(kind, headers, profiles, mapping, confidence)
    fallbacks = contact_fallbacks(kind, headers, mapping) if has_header else {}
    if vendor:
        profile_fallbacks(vendor, headers, mapping, fallbacks)
    return Proposal(kind, mapping, confidence, scores, sureness, runner_up, vendor.name if vendor else None,
                    notes, fallbacks)


DATE_ORDERS = ("dmy", "mdy")


class FilePlan:
    """One file read and understood, ready to load: kind, mapping, date order, questions for the owner.

    ``mapping`` is ``canonical field -> column index`` (``None`` = not in this file); ``columns`` are the
    file's original headers; ``preview`` the first 20 rows as in the file; ``raw`` the reader's table.
    Change the mapping with :meth:`set_mapping`, the kind with :meth:`set_kind` (re-proposes the mapping),
    the order of ambiguous dates with :meth:`set_date_order`.
    """

    def __init__(self, raw, *, name: str, path: str | None, sha256: str, kind: str | None, memory=None):
        self.raw = raw
        self.name = name
        self.path = path
        self.sha256 = sha256
        self.columns: list[str] = [str(c) if c is not None else "" for c in raw.columns]
        self.has_header = bool(getattr(raw, "has_header", True))
        self.notes: list[str] = []
        self.date_order: str | None = None
        self.date_formats: dict[str, object] = {}
        self.questions: list[str] = []
        # reasons the owner must confirm before loading (e.g. the only date names a shipping deadline)
        self.needs_confirmation: list[str] = []
        self.remembered = False
        self.role_override: str | None = None   # "orders" when a file itemising this one is loaded with it
        self._mapping_notes: list[str] = []
        self._memory = memory or {}
        self._profiles = self._profile()
        self._propose(kind, use_memory=True)

    def _sample(self, i: int, limit: int = 500) -> list:
        col = self.raw.data.column(i)
        return col.slice(0, limit).to_pylist()

    def _profile(self) -> list[ColumnProfile]:
        def date_share(vals, header=""):
            try:
                fmt = V.detect_date_format(pa.array(vals, pa.string()))
                if fmt.order == "unknown" or V.numbered_ids(header, fmt):
                    return 0.0
                res = V.parse_dates(pa.array(vals, pa.string()), fmt)
            except Exception:  # a column that is not dates at all
                return 0.0
            bad = np.asarray(res.errors if not hasattr(res.errors, "to_numpy") else
                             res.errors.to_numpy(zero_copy_only=False), dtype=bool)
            return float(1 - bad.mean()) if len(bad) else 0.0
        return [profile_column(i, self._sample(i), partial(date_share, header=self.columns[i]))
                for i in range(len(self.columns))]

    def _propose(self, kind: str | None, use_memory: bool) -> None:
        proposal = propose(self.columns, kind, self._profiles, self.has_header)
        self.kind = proposal.kind
        self.mapping = proposal.mapping
        self.confidence = proposal.confidence
        self.kind_scores = proposal.scores
        self.kind_confidence = proposal.kind_confidence
        self.kind_runner_up = proposal.kind_runner_up
        self.profile = proposal.profile
        self.fallbacks = proposal.fallbacks
        self.notes = [n for n in self.notes if n not in self._mapping_notes] + proposal.notes
        self._mapping_notes = list(proposal.notes)
        self.remembered = False
        if use_memory:
            remembered = self._memory.get(layout_signature(self.columns, self.kind))
            if remembered is None and kind is None:
                for k in KINDS:
                    remembered = self._memory.get(layout_signature(self.columns, k))
                    if remembered:
                        break
            if remembered and (kind is None or remembered["kind"] == kind):
                self.kind = remembered["kind"]
                self.mapping = {f: None for f in FIELDS[self.kind]}
                for f, i in remembered["mapping"].items():
                    if f in self.mapping and i is not None and i < len(self.columns):
                        self.mapping[f] = int(i)
                self.confidence = {f: "remembered" for f, i in self.mapping.items() if i is not None}
                self.remembered = True
                self.kind_confidence, self.kind_runner_up = 1.0, None  # the owner confirmed this layout
        self.needs_confirmation = []
        if self.kind == "transactions":
            dates = [p.index for p in self._profiles if p.filled and p.dates >= 0.9]
            reason = settle_order_date(self.columns, dates, self.mapping, self.confidence)
            if reason:
                self.needs_confirmation.append(reason)
        self._detect_dates()

    def _detect_dates(self) -> None:
        """Per date column: its format from the data; ambiguous day/month order becomes a question."""
        self.date_formats = {}
        self.questions = []
        ambiguous = []
        for fld in FIELDS[self.kind]:
            idx = self.mapping.get(fld)
            if fld not in DATE_FIELDS or idx is None:
                continue
            fmt = V.detect_date_format(self.raw.data.column(idx))
            self.date_formats[fld] = fmt
            if _is_ambiguous(fmt):
                ambiguous.append(self.columns[idx])
        settled = {x for f in self.date_formats.values() if not _is_ambiguous(f) for x in _numeric_orders(f)}
        if ambiguous and len(settled) == 1 and self.date_order in (None, *settled):
            # another date column of the file shows the day/month order: its answer holds for these too
            self.date_order = settled.pop()
            for fld, fmt in list(self.date_formats.items()):
                if _is_ambiguous(fmt):
                    self.date_formats[fld] = _resolve_order(fmt, self.date_order)
        elif ambiguous:
            if self.date_order is None:
                self.date_order = "dmy"
            self.questions.append(
                f"The dates in {', '.join('“' + c + '”' for c in ambiguous)} could be day-first (31/12) or "
                f"month-first (12/31): nothing in the file tells. Read as "
                f"{'day-first' if self.date_order == 'dmy' else 'month-first'} — change it if that is wrong.")
            for fld, fmt in list(self.date_formats.items()):
                if _is_ambiguous(fmt):
                    self.date_formats[fld] = _resolve_order(fmt, self.date_order)
        else:
            orders = {_order_of(f) for f in self.date_formats.values()} - {None}
            self.date_order = orders.pop() if len(orders) == 1 else (self.date_order if orders else None)

    def set_mapping(self, fld: str, column: int | None) -> None:
        if fld not in FIELDS[self.kind]:
            raise ValueError(f"{fld!r} is not a field of {self.kind}; expected one of {', '.join(FIELDS[self.kind])}")
        if column is not None and not 0 <= int(column) < len(self.columns):
            raise ValueError(f"column {column} is not in {self.name} (it has {len(self.columns)} columns)")
        if column is not None:
            for other, idx in self.mapping.items():
                if idx == column and other != fld:
                    self.mapping[other] = None  # one column feeds one field
        self.mapping[fld] = None if column is None else int(column)
        self.confidence[fld] = "you"
        if fld == "ordered_at":     # the owner chose the order date: nothing left to confirm about it
            said = {order_date_reason(c) for c in self.columns}
            self.needs_confirmation = [r for r in self.needs_confirmation if r not in said]
        self.remembered = False
        self._detect_dates()

    def set_kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        self._propose(kind, use_memory=True)

    def set_date_order(self, order: str) -> None:
        if order not in DATE_ORDERS:
            raise ValueError(f"date order must be one of {DATE_ORDERS}, not {order!r}")
        self.date_order = order
        self._detect_dates()

    @property
    def role(self) -> str:
        """``orders`` for a transactions file with order numbers and dates but no prices; ``payments`` for one
        with order numbers and payment columns but no products or prices (see ``mapping.order_files``);
        else ``lines``."""
        if self.role_override:
            return self.role_override
        m = self.mapping
        if self.kind == "transactions" and file_role(self.columns, m) == "payments":
            return "payments"
        if (self.kind == "transactions" and m.get("order_id") is not None and m.get("ordered_at") is not None
                and m.get("unit_price") is None and m.get("line_total") is None and m.get("quantity") is None):
            return "orders"
        return "lines"

    def missing_required(self) -> list[str]:
        """Fields still needed before loading (the first field of each unmet requirement)."""
        if self.role in ("orders", "payments"):
            return []
        return [group[0] for group in REQUIRED[self.kind] if all(self.mapping.get(f) is None for f in group)]

    @property
    def preview(self):
        head = self.raw.data.slice(0, 20)
        frame = pd.DataFrame({i: head.column(i).to_pylist() for i in range(head.num_columns)})
        frame.columns = _unique_headers(self.columns)
        return frame

    def mapping_by_header(self) -> dict[str, str]:
        return {f: self.columns[i] for f, i in self.mapping.items() if i is not None}

    def __repr__(self) -> str:
        return f"FilePlan({self.name!r}, kind={self.kind!r}, mapping={self.mapping_by_header()})"


def _unique_headers(headers: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        h = h or "(no name)"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _is_ambiguous(fmt) -> bool:
    return bool(getattr(fmt, "ambiguous", False))


def _resolve_order(fmt, order: str):
    return fmt.with_order(order) if hasattr(fmt, "with_order") else fmt


def _numeric_orders(fmt) -> set[str]:
    """The day/month orders a decided column's numeric ``d/m`` formats show (``{'dmy'}`` for ``%d/%m/%Y``)."""
    return {"dmy" if f.index("%d") < f.index("%m") else "mdy" for f in getattr(fmt, "formats", [])
            if "%d" in f and "%m" in f and not f.startswith("%Y")}


def _order_of(fmt) -> str | None:
    return getattr(fmt, "order", None)
