"""A/B-test result files (Cookie Cats' ``version``/``retention_7``, Udacity's ``group``/``converted``): one row per
player or visitor with the test arm it saw and whether it converted. They are no shop's orders, customers, events
or reviews, and loading one as a customer list (its user ids look like customer ids) would fill the workspace
with people who never bought. :func:`ab_test_signs` recognises them so the file is refused with a message that
says what it is, unless the owner chooses a kind for it.
"""

from __future__ import annotations

from typing import Sequence

from insights.ingest.errors import UnsupportedFile
from insights.ingest.mapping.headers import normalise_header

# a column naming the test arm each row saw (never "variation": Amazon's reviews name a product variant so)
_ARM_HEADERS = frozenset({"group", "version", "variant", "arm", "testgroup", "abgroup", "experimentgroup",
                          "bucket", "treatment", "testvariant", "experimentvariant", "abvariant"})
# a column holding the outcome measured per row
_OUTCOME_PREFIXES = ("converted", "conversion", "retention", "retained", "clicked", "signedup", "outcome",
                     "success")
_FLAG_VALUES = frozenset({"0", "1", "true", "false", "yes", "no", "y", "n", "t", "f"})
MAX_ARMS = 4


def _distinct(values: Sequence) -> set[str]:
    return {str(v).strip() for v in values if v is not None and str(v).strip()}


def ab_test_signs(headers: Sequence[str], columns: Sequence[Sequence]) -> str | None:
    """What makes these columns (headers and a sample of each column's values) an A/B-test result file, in
    words ("test groups in 'version': gate_30, gate_40; outcomes: retention_1, retention_7"); None if they are
    not one. An arm column holds 2 to 4 labels; an outcome column holds 0/1 or yes/no flags."""
    arms, outcomes = None, []
    for header, values in zip(headers, columns):
        name = normalise_header(header)
        labels = _distinct(values)
        if arms is None and name in _ARM_HEADERS and 2 <= len(labels) <= MAX_ARMS:
            arms = (header, sorted(labels))
        elif name.startswith(_OUTCOME_PREFIXES) and labels and {v.lower() for v in labels} <= _FLAG_VALUES:
            outcomes.append(header)
    if arms is None or not outcomes:
        return None
    return f"test groups in '{arms[0]}': {', '.join(arms[1])}; outcomes: {', '.join(outcomes)}"


def _arm_header(headers: Sequence[str], columns: Sequence[Sequence]) -> str:
    return next(h for h, v in zip(headers, columns)
                if normalise_header(h) in _ARM_HEADERS and 2 <= len(_distinct(v)) <= MAX_ARMS)


def refuse_ab_test(name: str, headers: Sequence[str], columns: Sequence[Sequence]) -> None:
    """Raise :class:`UnsupportedFile` with what the file is when it looks like an A/B-test result file."""
    signs = ab_test_signs(headers, columns)
    if signs is None:
        return
    raise UnsupportedFile(
        name, expected="a shop's orders, customer list, web or app events, or reviews",
        hint=f"This looks like an A/B-test result file ({signs}): one row per visitor or player with the test "
             "group it saw, not a shop's orders or customers. It was not loaded: Clueboard does not analyse "
             "experiments yet. If it really is a list of your customers, remove the test-group column "
             f"'{_arm_header(headers, columns)}' and upload it again (on the command line: --kind customers=FILE)")
