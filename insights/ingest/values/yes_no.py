"""Yes/no cells (:func:`parse_booleans`): the words shops write for consent and flags, in a few languages."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.values.column import ParseResult, as_array, empty_mask, make_result, trimmed_text

TRUE_WORDS = ("yes", "y", "true", "t", "1", "x", "ja", "j", "oui", "si", "sí", "opted in", "opt-in", "opt in",
              "optin", "opted-in", "subscribed", "granted", "on", "✓", "✔", "consent", "consented", "agreed",
              "active", "1.0", "-1", "wahr", "vrai", "verdadero", "sì", "waar", "vero")
FALSE_WORDS = ("no", "n", "false", "f", "0", "nein", "non", "opted out", "opt-out", "opt out", "optout",
               "opted-out", "unsubscribed", "not subscribed", "denied", "off", "declined", "refused", "none",
               "-", "0.0", "inactive", "✗", "✘", "nee", "falsch", "faux", "falso", "onwaar",
               # e-mail tools: a cleaned address, one never subscribed or still pending has no consent
               "never_subscribed", "never subscribed", "cleaned", "pending", "bounced")


def parse_booleans(values) -> ParseResult:
    """yes/no, y/n, true/false, 1/0, opted in/out, subscribed/unsubscribed … (any case); others are errors."""
    arr = as_array(values)
    trimmed = trimmed_text(arr)
    empty = empty_mask(trimmed)
    lowered = pc.utf8_lower(trimmed)
    is_true = pc.is_in(lowered, value_set=pa.array(TRUE_WORDS))
    is_false = pc.is_in(lowered, value_set=pa.array(FALSE_WORDS))
    parsed = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    return make_result(parsed, empty)
