"""The sidebar's date filter, carried by the URL (``?from=2025-01-01&to=2025-03-31``).

The link is the one source of truth: a shared or bookmarked link opens the same dates, and the pages read the
period with :func:`current_period` (so a page run alone, as AppTest does, reads it too). The sidebar's box edits
the link; the session remembers the last period so that moving to another page (which starts from a bare URL)
keeps it. Values from a link are hostile until parsed: only ``YYYY-MM-DD`` days between 1900 and 2100 are read,
clamped into the data's span; anything else is dropped from the link with a notice that does not echo it.
"""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from insights.core import numbers

FROM_PARAM, TO_PARAM = "from", "to"
WIDGET_KEY = "clueboard_dates"
REMEMBERED_KEY = "clueboard_period"         # the last period of this session: (first day, last day)
NOTICE_KEY = "clueboard_dates_notice"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
# the pages that narrow what they show to the filter's dates (the sidebar names them)
HONOURED_BY = "the Overview's figures and the KPI scorecard (as its custom range)"


def parse_day(value) -> dt.date | None:
    """A day from a link: exactly ``YYYY-MM-DD``, a real date, between 1900 and 2100; otherwise None."""
    if not isinstance(value, str) or len(value) != 10 or not DAY.fullmatch(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def period_from(raw_from, raw_to, first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The period a link asks for, clamped into the data's span [first, last]; None when the link carries no
    readable period, or one that misses the data entirely. A missing end means "to the last day", a missing
    start "from the first day"; reversed days are put in order."""
    start, end = parse_day(raw_from), parse_day(raw_to)
    if start is None and end is None:
        return None
    if first is None or last is None:
        return None
    start, end = start or first, end or last
    if start > end:
        start, end = end, start
    start, end = max(start, first), min(end, last)
    if start > end or (start, end) == (first, last):
        return None
    return start, end


def _params_of(period: tuple[dt.date, dt.date] | None) -> dict[str, str]:
    return {} if period is None else {FROM_PARAM: period[0].isoformat(), TO_PARAM: period[1].isoformat()}


def _write_link(period: tuple[dt.date, dt.date] | None) -> None:
    for name in (FROM_PARAM, TO_PARAM):
        if name in st.query_params:
            del st.query_params[name]
    if period is not None:
        st.query_params.update(_params_of(period))


def current_period(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The dates the link (or, on a bare link, this session) narrows the pages to; None = all dates."""
    period = period_from(st.query_params.get(FROM_PARAM), st.query_params.get(TO_PARAM), first, last)
    if period is None and FROM_PARAM not in st.query_params and TO_PARAM not in st.query_params:
        period = st.session_state.get(REMEMBERED_KEY)
        if period is not None:
            period = period_from(period[0].isoformat(), period[1].isoformat(), first, last)
    return period


def _on_change(first: dt.date, last: dt.date) -> None:
    picked = st.session_state.get(WIDGET_KEY)
    if not isinstance(picked, (tuple, list)) or len(picked) != 2:
        return                                   # only the first day picked so far: wait for the second
    period = period_from(picked[0].isoformat(), picked[1].isoformat(), first, last)
    st.session_state[REMEMBERED_KEY] = period
    st.session_state[NOTICE_KEY] = False
    _write_link(period)


def sidebar_filter(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """Draw the sidebar's date box over the data's span and keep the link in step with it; the period."""
    if first is None or last is None:
        return None
    asked = FROM_PARAM in st.query_params or TO_PARAM in st.query_params
    period = current_period(first, last)
    if asked:
        st.session_state[NOTICE_KEY] = period is None   # the link's dates could not be read, or miss the data
    st.session_state[REMEMBERED_KEY] = period
    if st.query_params.get(FROM_PARAM) != _params_of(period).get(FROM_PARAM) or \
            st.query_params.get(TO_PARAM) != _params_of(period).get(TO_PARAM):
        _write_link(period)                     # a bare link gets the session's dates; a bad one is cleaned
    shown = st.session_state.get(WIDGET_KEY)
    if not (isinstance(shown, (tuple, list)) and len(shown) == 1):   # never undo a half-picked range
        st.session_state[WIDGET_KEY] = period or (first, last)
    st.date_input("Dates", min_value=first, max_value=last, key=WIDGET_KEY, format="YYYY-MM-DD",
                  on_change=_on_change, args=(first, last),
                  help=f"Narrows these pages to the dates picked: {HONOURED_BY}. The page's link carries the "
                       "dates, so a shared link opens the same period.")
    if period is None:
        st.caption(f"All dates: {numbers.day_range(first, last)}")
    else:
        st.caption(f"Showing {numbers.day_range(*period)} of {numbers.day_range(first, last)}")
    if st.session_state.get(NOTICE_KEY):
        st.caption("⚠️ The link's dates could not be read or lie outside your data: showing all dates.")
    return period
