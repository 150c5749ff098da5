"""Per-customer churn reasons in plain words, from the fitted model's own contributions.

:mod:`.explanation` picks and joins each customer's reasons (:func:`explain`, :func:`explain_columns`),
:mod:`.wordings` says each reason from the customer's facts, :mod:`.text` builds the sentences as pyarrow
string arrays.
"""

from insights.predictions.churn.reasons.explanation import (REASON_GROUPS, REASON_LABELS, REASON_SEPARATOR, explain,
                                                            explain_columns, reason_counts, reason_groups,
                                                            reason_label, split_reasons)
from insights.predictions.churn.reasons.text import coded_strings
from insights.predictions.churn.reasons.wordings import CONTEXT_COLUMNS, WORDINGS

__all__ = ["CONTEXT_COLUMNS", "REASON_GROUPS", "REASON_LABELS", "REASON_SEPARATOR", "WORDINGS", "coded_strings",
           "explain", "explain_columns", "reason_counts", "reason_groups", "reason_label", "split_reasons"]
