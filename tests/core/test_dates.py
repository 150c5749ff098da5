"""Where the shop's history ends: every order, or identified customers' orders only."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core import dates
from tests.customers.test_segments import line
from tests.helpers import workspace_from_tables


def test_data_end_counts_guests_and_default_as_of_does_not():
    ws = workspace_from_tables(order_lines=[line("A", "c1", "2024-03-01 10:00", 5),
                                            line("G", None, "2024-03-09 23:30", 5),
                                            line("X", "c1", "2024-03-20 10:00", 5, qty=-1, cancel=True)])
    try:
        assert dates.data_end(ws) == pd.Timestamp("2024-03-10")          # the guest's order, not the cancellation
        assert dates.default_as_of(ws) == dt.date(2024, 3, 2)
    finally:
        ws.close()


def test_empty_workspace_has_no_end():
    ws = workspace_from_tables()
    try:
        assert dates.data_end(ws) is None and dates.default_as_of(ws) is None
    finally:
        ws.close()


def test_conversions():
    assert dates.as_timestamp("2024-05-06 13:00") == dt.datetime(2024, 5, 6)
    assert dates.as_date(pd.Timestamp("2024-05-06 13:00")) == dt.date(2024, 5, 6)
