"""Each row's fate: rejected (the first check it fails), set aside (already loaded, or an exact duplicate of an
earlier row of a file whose rows carry an id) or kept. The checks are numpy masks over the whole file (see
``rules.CHECKS`` and ``bad_values``).

Identical rows of a file without an order, event or answer id (``rules.identical_rows_are_duplicates``) are
kept and listed in ``staged.identical``, unless ``set_aside_identical``. Rows already loaded are matched by
multiplicity: a row twice in an earlier file and three times in this one keeps one copy.
"""

from __future__ import annotations

import numpy as np

from insights.ingest.load.bad_values import bad_value_checks
from insights.ingest.load.hashing import already_loaded, earlier_copies
from insights.ingest.load.rules import KEEP, REJECTED, SET_ASIDE, checks_for, identical_rows_are_duplicates
from insights.ingest.load.stage import Staged
from insights.ingest.load.suppressed import REASON as SUPPRESSED, suppressed_mask


def classify(con, plan, staged: Staged, table: str, set_aside_identical: bool = False) -> None:
    """Each row's fate: rejected (first failing check), set aside (duplicate, already loaded) or kept."""
    extra = bad_value_checks(con, plan, staged)
    checks = checks_for(plan) + [c for c, _ in extra]
    staged.checks = checks
    masks: dict[str, np.ndarray] = {c[1][0]: m for c, m in extra}

    def mask(term: str) -> np.ndarray:
        if term not in masks:
            what, fld = term.split(":")
            if what == "bad":
                masks[term] = staged.bad[fld]
            elif fld == "revenue":
                masks[term] = _revenue_missing(plan, staged)
            else:
                masks[term] = staged.null(fld)
        return masks[term]

    check = np.full(staged.n, -1, dtype=np.int16)
    for i in range(len(checks) - 1, -1, -1):     # the first failing check wins
        failing = np.logical_and.reduce([mask(t) for t in checks[i][1]])
        check[failing] = i
    preset = np.fromiter(staged.preset_aside, dtype=np.int64, count=len(staged.preset_aside))
    check[preset] = -1                            # a vendor rule set the row aside: no check applies
    erased = suppressed_mask(con, staged)         # a person erased at their request: not loaded again
    check[erased] = -1
    staged.check = check
    state = np.where(check >= 0, REJECTED, KEEP).astype(np.int8)
    state[preset] = SET_ASIDE                     # e.g. a till's summary rows, a failed payment
    aside: list[tuple[int, str]] = sorted(staged.preset_aside.items())
    if erased.any():
        state[erased] = SET_ASIDE
        aside = sorted(dict(aside) | {int(i): SUPPRESSED for i in np.flatnonzero(erased)}.items())
    duplicates = set_aside_identical or identical_rows_are_duplicates(plan)
    if duplicates:
        earlier = earlier_copies(staged, state == KEEP)
        duplicate = ~np.isnan(earlier)
        state[duplicate] = SET_ASIDE
        aside += [(int(i), f"exact duplicate of row {int(earlier[i])}") for i in np.flatnonzero(duplicate)]
    for i, name in already_loaded(con, table, staged, state == KEEP):
        state[i] = SET_ASIDE
        aside.append((i, f"already loaded from {name}"))
    if not duplicates:      # identical rows kept: which they are, for the report
        earlier = earlier_copies(staged, state == KEEP)
        staged.identical = [(int(i), int(earlier[i])) for i in np.flatnonzero(~np.isnan(earlier))]
    staged.state = state
    staged.aside = sorted(aside)


def _revenue_missing(plan, staged: Staged) -> np.ndarray:
    if plan.mapping.get("unit_price") is not None:
        return staged.null("quantity") | staged.null("unit_price")
    if plan.mapping.get("line_total") is not None:
        return staged.null("line_total")
    return np.ones(staged.n, dtype=bool)
