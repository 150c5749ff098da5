"""The date filter's link parsing: only real YYYY-MM-DD days, clamped into the data's span."""

import datetime as dt

import pytest

from insights.ui.date_filter import parse_day, period_from

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def test_only_real_iso_days_between_1900_and_2100_are_read():
    assert parse_day("2024-02-29") == dt.date(2024, 2, 29)
    for hostile in ("2023-02-29", "2024-2-1", "20240201", "2024-02-01T00:00", " 2024-02-01", "2024-02-01\n",
                    "<script>", "1899-12-31", "2101-01-01", "", None, 20240201, "２０２４-０２-０１", "1" * 10_000):
        assert parse_day(hostile) is None, hostile


@pytest.mark.parametrize("raw_from,raw_to,expected", [
    ("2024-02-01", "2024-02-14", (dt.date(2024, 2, 1), dt.date(2024, 2, 14))),
    ("2024-02-14", "2024-02-01", (dt.date(2024, 2, 1), dt.date(2024, 2, 14))),      # reversed: put in order
    ("2023-06-01", "2024-03-31", (FIRST, dt.date(2024, 3, 31))),                   # clamped to the data
    ("2024-11-01", None, (dt.date(2024, 11, 1), LAST)),                            # open end: to the last day
    (None, "2024-01-31", (FIRST, dt.date(2024, 1, 31))),
    ("2020-01-01", "2020-12-31", None),                                            # misses the data entirely
    ("2024-01-01", "2024-12-31", None),                                            # all dates: no filter
    ("bad", "worse", None),
    (None, None, None),
])
def test_a_link_period_is_clamped_into_the_data(raw_from, raw_to, expected):
    assert period_from(raw_from, raw_to, FIRST, LAST) == expected


def test_an_empty_workspace_has_no_period():
    assert period_from("2024-02-01", "2024-02-14", None, None) is None
