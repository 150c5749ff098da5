"""Words customers use when something went wrong, shared by every room that reads their comments.

The churn features count comments that match :data:`NEGATIVE_PATTERN` (as a DuckDB/Python regular expression,
case-insensitive at the call site); the voice-of-customer room grows its themes from the same list.
"""

NEGATIVE_WORDS = ("late", "delayed", "delay", "slow", "never arrived", "never came", "damaged", "broken",
                  "refund", "disappointed", "disappointing", "poor", "terrible", "awful", "worst", "missing",
                  "wrong", "rude", "lost")
NEGATIVE_PATTERN = r"\b(" + "|".join(NEGATIVE_WORDS) + r")\b"
