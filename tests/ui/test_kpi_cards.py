"""A KPI card says against what its change is measured and whether it is more than the usual ups and downs."""

import datetime as dt

from insights.ui import kpi_cards


def test_each_card_names_what_it_compares_against():
    assert kpi_cards.previous_label("month", dt.date(2025, 3, 1)) == "vs Feb 2025"
    assert kpi_cards.previous_label("quarter", dt.date(2025, 1, 1)) == "vs Q4 2024"
    assert kpi_cards.previous_label("week", dt.date(2025, 3, 3)) == "vs the week before"
    assert kpi_cards.previous_label("custom", (dt.date(2025, 1, 1), dt.date(2025, 1, 31))) == "vs the 31 days before"
    assert kpi_cards.last_year_label("month", dt.date(2025, 3, 1)) == "Same month last year (March 2024)"
    assert kpi_cards.last_year_label("custom", (dt.date(2025, 1, 1), dt.date(2025, 1, 31))) == \
        "Same dates last year (1 Jan 2024 – 31 Jan 2024)"


def test_a_range_longer_than_a_year_is_not_compared_with_a_last_year_that_overlaps_it():
    long_range = (dt.date(2024, 1, 1), dt.date(2025, 3, 31))
    assert kpi_cards.last_year_label("custom", long_range) is None
    note = kpi_cards.card_note({"change": 5.0, "last_year": 10.0}, "count", None, [], None)
    assert "not compared — the range is longer than a year" in note


def test_the_note_says_whether_the_change_is_more_than_noise():
    calm = [100, 104, 98, 103, 99, 102]
    big = kpi_cards.card_note({"change": -40.0, "last_year": 90.0}, "money", "EUR", calm, "Same month last year (X)")
    assert big.startswith("**More than the usual ups and downs** (usually within ±€")
    assert big.endswith("Same month last year (X): €90.00")
    small = kpi_cards.card_note({"change": 2.0, "last_year": None}, "count", None, calm, "Same month last year (X)")
    assert small.startswith("Within the usual ups and downs (±12)") and small.endswith(": —")
    short = kpi_cards.card_note({"change": 2.0, "last_year": None}, "share", None, [0.1, 0.2], "L")
    assert short.startswith("Too little history")
    shares = kpi_cards.noise_sentence(0.2, [0.10, 0.11, 0.10, 0.12, 0.11, 0.10], "share", None)
    assert "pts" in shares and shares.startswith("**More than")
