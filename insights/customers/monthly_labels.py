"""Who each customer was, month by month: their RFM segment and lifecycle stage as of the first day of each month.

For views that describe behaviour by the customer's standing *at the time* (the funnel's drop-off by RFM segment
and lifecycle stage): a visit in March is told apart by the segment its customer was in on 1 March, computed
from the orders before that day only — never by today's segment, which the visit's own order helped make.

Out: one row per customer and month — customer_id, month ('YYYY-MM'), value. Customers with no order before the
month's first day have no row (the caller says "not yet a customer"). Lifecycle thresholds are measured once, on
every order up to the last month's end, and used for every month (as :func:`lifecycle.transitions` does), so a
stage means the same thing in each month.
"""

from __future__ import annotations

import pandas as pd

from insights.core.workspace import connection
from insights.customers.lifecycle import lifecycle_stages, shop_thresholds
from insights.customers.segments import customer_segments

KINDS = ("rfm", "lifecycle")
COLUMNS = ["customer_id", "month", "value"]


def labels_by_month(ws, months, kind: str, segment_map: dict | list | None = None) -> pd.DataFrame:
    """``kind`` 'rfm' (segments of ``segment_map``, default the shipped map) or 'lifecycle' for each month of
    ``months`` ('YYYY-MM' strings); see the module docstring."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    periods = sorted({pd.Period(m, freq="M") for m in months})
    if not periods:
        return pd.DataFrame(columns=COLUMNS)
    con = connection(ws)
    thresholds = shop_thresholds(con, (periods[-1] + 1).start_time) if kind == "lifecycle" else None
    frames = []
    for period in periods:
        as_of = period.start_time
        if kind == "rfm":
            frame = customer_segments(con, as_of, segment_map).rename(columns={"segment": "value"})
        else:
            frame = lifecycle_stages(con, as_of, thresholds).rename(columns={"stage": "value"})
        frames.append(frame[["customer_id", "value"]].assign(month=str(period)))
    return pd.concat(frames, ignore_index=True)[COLUMNS]
