"""Columns recognised by their content, for headers that say nothing (or files without a header): what the
values of a column look like (:class:`ColumnProfile`) and the fields such values speak for (:func:`map_by_content`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from insights.ingest.mapping.fields import FIELDS
from insights.ingest.mapping.headers import is_question
from insights.ingest.mapping.words import looks_like_person_name
from insights.ingest.mapping.headers import consent_field_named, is_question
from insights.ingest.values.yes_no import FALSE_WORDS, TRUE_WORDS

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_INT_RE = re.compile(r"^[+-]?\d{1,6}$")
_DEC_RE = re.compile(r"^[+-]?[$€£¥]?\s?\d{1,3}([,.\s']?\d{3})*([.,]\d{1,4})?$|^\(?[$€£]?\d+([.,]\d{1,2})\)?$")
_IDLIKE_RE = re.compile(r"^[A-Za-z]{0,3}[-_]?\d{3,}(\.0)?$|^[0-9a-f]{16,}$|^\d{4}-[A-Z]{5}$")
_SCALE_RE = re.compile(r"^(10|\d)(\.0)?$")  # an answer on a 0–10 (or 1–5) scale
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# what web and app analytics call their events (view_product, add_to_cart, page_view, session_start, purchase…),
# compared in lower case without separators
_EVENT_RE = re.compile(r"^(page|screen|product|item|session|user|add|remove|begin|start|view|click|search|sign|"
                       r"log|scroll|checkout|cart|purchase|firstvisit|firstopen|visit|order|select|share|"
                       r"subscribe|refund|apply|generatelead)[a-z]*$|[a-z]*(view|viewed|cart|checkout|purchase|"
                       r"added|removed|started|completed|clicked|opened)$")


@dataclass
class ColumnProfile:
    """What the values of one column look like (from a sample of non-empty cells)."""
    index: int
    filled: int
    emails: float = 0.0
    dates: float = 0.0
    integers: float = 0.0
    decimals: float = 0.0
    idlike: float = 0.0
    distinct: float = 0.0
    has_fraction: bool = False
    scale: float = 0.0        # whole numbers 0–10: answers to a rating or NPS question
    prose: float = 0.0        # three words or more: comments
    event_words: float = 0.0  # event names such as view_product, add_to_cart
    values: int = 0           # distinct values in the sample
    mean_length: float = 0.0
    person_names: float = 0.0  # "Sophie Peeters": a person's name, never an id
    yes_no: float = 0.0       # yes/no words (TRUE, nee, x, 0 …): a flag or an opt-in


def profile_column(index: int, values: Sequence[str | None], date_share: Callable[[list[str]], float]) -> ColumnProfile:
    vals = [v.strip() for v in values if v is not None and str(v).strip() != ""]
    prof = ColumnProfile(index, len(vals))
    if not vals:
        return prof
    n = len(vals)
    prof.emails = sum(bool(_EMAIL_RE.match(v)) for v in vals) / n
    prof.integers = sum(bool(_INT_RE.match(v)) for v in vals) / n
    prof.decimals = sum(bool(_DEC_RE.match(v)) for v in vals) / n
    prof.idlike = sum(bool(_IDLIKE_RE.match(v)) for v in vals) / n
    prof.distinct = len(set(vals)) / n
    prof.mean_length = sum(len(v) for v in vals) / n
    prof.has_fraction = any(re.search(r"[.,]\d{1,2}$", v) for v in vals)
    prof.values = len(set(vals))
    prof.scale = sum(bool(_SCALE_RE.match(v)) for v in vals) / n
    prof.prose = sum(len(_WORD_RE.findall(v)) >= 3 for v in vals) / n
    prof.event_words = sum(bool(_EVENT_RE.match(re.sub(r"[^a-z]", "", v.lower()))) for v in vals) / n
    prof.person_names = sum(looks_like_person_name(v) for v in vals) / n
    prof.yes_no = sum(v.lower() in _YES_NO for v in vals) / n
    if prof.emails < 0.5:
        prof.dates = date_share(vals)
    return prof


_YES_NO = frozenset(TRUE_WORDS) | frozenset(FALSE_WORDS)


def answers_yes_no(profile: ColumnProfile) -> bool:
    """The column holds yes/no answers (TRUE/false, Y/N, 1/0, x and blank, ja/nee …), whatever their spelling."""
    return profile.filled > 0 and profile.yes_no >= 0.98


def answers_scores(profile: ColumnProfile) -> bool:
    """The column holds answers on a 0–10 or 1–5 scale (an NPS or rating question)."""
    return profile.filled > 0 and profile.scale >= 0.95 and profile.values >= 2


def answers_in_words(profile: ColumnProfile) -> bool:
    """The column holds comments: most answers are several words long."""
    return profile.filled > 0 and profile.prose >= 0.5


def names_events(profile: ColumnProfile) -> bool:
    """The column holds event names (view_product, add_to_cart, page_view …), a few distinct ones repeated."""
    return profile.filled > 0 and profile.event_words >= 0.6 and profile.values <= max(30, profile.filled // 5)


def map_by_content(profiles: list[ColumnProfile], kind: str, mapping: dict[str, int | None],
                   confidence: dict[str, str], has_header: bool, headers: Sequence[str] = ()) -> None:
    """Fill still-unmapped fields from columns whose values speak for themselves (in place).

    In a feedback file a column titled with a question (``headers``) is the score when its answers are on a
    0–10 or 1–5 scale, and the comment when they are sentences."""
    taken = {i for i in mapping.values() if i is not None}
    fields = FIELDS[kind]

    def free(pred):
        return [p for p in profiles if p.index not in taken and p.filled and pred(p)]

    def assign(fld, prof):
        mapping[fld] = prof.index
        confidence[fld] = "content"
        taken.add(prof.index)

    if "email" in fields and mapping.get("email") is None:
        cols = free(lambda p: p.emails >= 0.8)
        if cols:
            assign("email", cols[0])
    date_field = {"transactions": "ordered_at", "customers": "signed_up_at", "events": "event_at",
                  "feedback": "submitted_at", "spend": "period_start"}[kind]
    if mapping.get(date_field) is None:
        cols = free(lambda p: p.dates >= 0.9)
        if cols:
            assign(date_field, cols[0])
    if kind == "feedback":
        def asked(p):
            return not has_header or (p.index < len(headers) and is_question(headers[p.index]))
        for fld, answers in (("score", answers_scores), ("text", answers_in_words)):
            if mapping.get(fld) is None:
                cols = free(lambda p: asked(p) and answers(p))
                if cols:
                    assign(fld, cols[0])
        _prefer_free_text(profiles, mapping, confidence)
    if kind == "customers" and has_header:
        # consent by the header's words and the values: "Marketing OK?" holding Y/N is the e-mail opt-in
        for prof in free(answers_yes_no):
            fld = consent_field_named(headers[prof.index]) if prof.index < len(headers) else None
            if fld and mapping.get(fld) is None:
                assign(fld, prof)
    if has_header:
        return  # named columns that matched nothing are left for the owner; guessing further misleads
    # headerless files: ids, quantities and money by shape, left to right
    if "customer_id" in fields and mapping.get("customer_id") is None:
        cols = free(lambda p: p.idlike >= 0.9 or (p.integers >= 0.99 and p.distinct < 0.9 and not p.has_fraction
                                                  and p.dates < 0.5))
        if cols:
            assign("customer_id", cols[0])
    if kind == "transactions":
        if mapping.get("quantity") is None:
            cols = free(lambda p: p.integers >= 0.99)
            if cols:
                assign("quantity", cols[0])
        if mapping.get("unit_price") is None and mapping.get("line_total") is None:
            cols = free(lambda p: p.decimals >= 0.95 and p.has_fraction)
            if cols:
                # a headerless amount is usually what the line cost in total (CDNOW: id date qty amount)
                assign("line_total", cols[0])


def _looks_like_prose(prof: ColumnProfile) -> bool:
    return prof.mean_length >= 12 and prof.distinct >= 0.3 and prof.integers < 0.5 and prof.dates < 0.5


def _prefer_free_text(profiles: list[ColumnProfile], mapping: dict[str, int | None],
                      confidence: dict[str, str]) -> None:
    """The review's text is the column of long, varied values, never a 0/1 flag or a short code that a header
    such as ``feedback`` also names (Amazon's Alexa reviews: ``verified_reviews`` beside a 0/1 ``feedback``)."""
    by_index = {p.index: p for p in profiles}
    current = mapping.get("text")
    if current is not None and current not in by_index:
        return  # nothing known of its values: the header's word stands
    if current is not None and by_index[current].integers < 0.99 and by_index[current].mean_length >= 4:
        return  # a column of words, however short, stays the text the header named
    taken = {i for f, i in mapping.items() if i is not None and f != "text"}
    prose = [p for p in profiles if p.index not in taken and p.filled and _looks_like_prose(p)]
    if prose:
        mapping["text"] = max(prose, key=lambda p: p.mean_length).index
        confidence["text"] = "content"
