"""Text cells → dates, exact amounts, ids and yes/no: one small test per rule (insights/ingest/values/)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from insights.ingest import values as V
from insights.ingest.values.column import spread_sample, trimmed_text


def col(*vals):
    return pa.array(list(vals), pa.string())


def dates(*vals):
    arr = col(*vals)
    fmt = V.detect_date_format(arr)
    return fmt, V.parse_dates(arr, fmt)


# ----- dates ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("2024-03-31", dt.datetime(2024, 3, 31)),
    ("2024-03-31 14:05", dt.datetime(2024, 3, 31, 14, 5)),
    ("2024-03-31 14:05:09", dt.datetime(2024, 3, 31, 14, 5, 9)),
    ("2024-03-31T14:05:09", dt.datetime(2024, 3, 31, 14, 5, 9)),
    ("2024-03-31T14:05:09.250", dt.datetime(2024, 3, 31, 14, 5, 9, 250000)),
    ("20240331", dt.datetime(2024, 3, 31)),
])
def test_iso_and_compact_dates(text, expected):
    fmt, res = dates(text)
    assert fmt is not None and not fmt.ambiguous
    assert res.values.to_pylist() == [expected]
    assert not res.errors.any()


def test_parsed_dates_are_microsecond_timestamps():
    _, res = dates("2024-03-31")
    assert res.values.type == pa.timestamp("us")


def test_day_first_decided_by_a_first_field_over_12():
    fmt, res = dates("01/02/2024", "31/03/2024")
    assert (fmt.order, fmt.ambiguous) == ("dmy", False)
    assert res.values.to_pylist() == [dt.datetime(2024, 2, 1), dt.datetime(2024, 3, 31)]


def test_month_first_decided_by_a_second_field_over_12():
    fmt, res = dates("01/02/2024", "03/31/2024")
    assert (fmt.order, fmt.ambiguous) == ("mdy", False)
    assert res.values.to_pylist() == [dt.datetime(2024, 1, 2), dt.datetime(2024, 3, 31)]


def test_undecided_column_is_ambiguous_day_first_until_resolved():
    arr = col("01/02/2024", "03/04/2024")
    fmt = V.detect_date_format(arr)
    assert (fmt.order, fmt.ambiguous, fmt.effective_order) == ("ambiguous", True, "dmy")
    assert V.parse_dates(arr, fmt).values.to_pylist()[0] == dt.datetime(2024, 2, 1)
    us = fmt.with_order("mdy")
    assert (us.order, us.ambiguous) == ("mdy", False)
    assert V.parse_dates(arr, us).values.to_pylist() == [dt.datetime(2024, 1, 2), dt.datetime(2024, 3, 4)]
    assert fmt.with_order("dmy").ambiguous is False


@pytest.mark.parametrize("texts, expected", [
    (("31.03.2024", "01.04.2024"), dt.datetime(2024, 3, 31)),
    (("31-03-2024", "01-04-2024"), dt.datetime(2024, 3, 31)),
    (("31/03/24", "01/04/24"), dt.datetime(2024, 3, 31)),
])
def test_dot_dash_separators_and_two_digit_years(texts, expected):
    _, res = dates(*texts)
    assert res.values.to_pylist()[0] == expected and not res.errors.any()


def test_times_with_am_pm():
    fmt, res = dates("3/31/2024 2:05 PM", "4/1/2024 9:00 AM")
    assert fmt.order == "mdy" and fmt.has_time
    assert res.values.to_pylist() == [dt.datetime(2024, 3, 31, 14, 5), dt.datetime(2024, 4, 1, 9, 0)]


def test_day_first_with_24h_time():
    _, res = dates("31/03/2024 14:05", "01/04/2024 08:30:15")
    assert res.values.to_pylist() == [dt.datetime(2024, 3, 31, 14, 5), dt.datetime(2024, 4, 1, 8, 30, 15)]


def test_excel_serial_numbers_when_every_value_is_plausible():
    fmt, res = dates("45382", "45383.5")
    assert fmt.order == "excel-serial"
    assert res.values.to_pylist() == [dt.datetime(2024, 3, 31), dt.datetime(2024, 4, 1, 12, 0)]


def test_small_numbers_are_not_excel_dates():
    assert V.detect_date_format(col("12", "15", "300")).order == "unknown"
    assert V.detect_date_format(col("45382", "12")).order == "unknown"


def test_impossible_date_is_an_error_not_shifted():
    fmt = V.detect_date_format(col("31/01/2024", "28/02/2024"))
    res = V.parse_dates(col("31/02/2024", "28/02/2024"), fmt)
    assert res.values.to_pylist() == [None, dt.datetime(2024, 2, 28)]
    assert res.errors.tolist() == [True, False]


def test_text_in_a_date_column_is_an_error_and_blank_is_empty():
    fmt = V.detect_date_format(col("2024-03-31", "2024-04-01"))
    res = V.parse_dates(col("2024-03-31", "tomorrow", "", None, "  "), fmt)
    assert res.errors.tolist() == [False, True, False, False, False]
    assert res.empty.tolist() == [False, False, True, True, True]
    assert isinstance(res.errors, np.ndarray) and res.errors.dtype == bool


def test_no_date_format_for_words():
    assert V.detect_date_format(col("apple", "pear")).order == "unknown"
    assert V.detect_date_format(col(None, "")).order == "unknown"


def test_parse_dates_without_a_format_marks_every_value_an_error():
    res = V.parse_dates(col("x", ""), None)
    assert res.errors.tolist() == [True, False]


# ----- numbers ----------------------------------------------------------------------------------------------
def amounts(*vals, fmt=None):
    arr = col(*vals)
    return V.parse_numbers(arr, fmt if fmt is not None else V.detect_number_format(arr))


@pytest.mark.parametrize("texts, expected", [
    (("1,234.56", "12.50"), [Decimal("1234.56"), Decimal("12.50")]),
    (("1.234,56", "12,50"), [Decimal("1234.56"), Decimal("12.50")]),
    (("1 234,56", "7,5"), [Decimal("1234.56"), Decimal("7.5")]),
    (("1\u00a0234,56", "1\u202f000,00"), [Decimal("1234.56"), Decimal("1000")]),
    (("€12.50", "$1,200"), [Decimal("12.50"), Decimal("1200")]),
    (("12,50 €", "3,00 €"), [Decimal("12.50"), Decimal("3.00")]),
    (("GBP 12", "USD 3.5"), [Decimal("12"), Decimal("3.5")]),
    (("(12.00)", "12-"), [Decimal("-12"), Decimal("-12")]),
    (("1e3", "-4"), [Decimal("1000"), Decimal("-4")]),
])
def test_number_forms(texts, expected):
    res = amounts(*texts)
    assert res.values.to_pylist() == expected
    assert not res.errors.any()


def test_amounts_are_exact_decimals_to_the_cent():
    res = amounts(*(["0.10"] * 10 + ["0.20"]))
    assert res.values.type == pa.decimal128(18, 4)
    assert sum(res.values.to_pylist()) == Decimal("1.20")


def test_decimal_comma_decided_per_column():
    assert V.detect_number_format(col("12,5", "3")).decimal == ","
    assert V.detect_number_format(col("1.234,56")).decimal == ","
    assert V.detect_number_format(col("1,234.56")).decimal == "."
    assert V.detect_number_format(col("12.5", "3")).decimal == "."


def test_ambiguous_thousands_comma_uses_the_rest_of_the_column():
    assert V.detect_number_format(col("1,234", "12,5")).decimal == ","
    assert amounts("1,234", "12,5").values.to_pylist() == [Decimal("1.234"), Decimal("12.5")]
    assert V.detect_number_format(col("1,234", "12.50")).decimal == "."
    assert amounts("1,234", "12.50").values.to_pylist() == [Decimal("1234"), Decimal("12.50")]


def test_point_is_the_default_decimal():
    assert V.detect_number_format(col("1,234")).decimal == "."
    assert V.detect_number_format(col("12")).decimal == "."


def test_currencies_are_reported():
    fmt = V.detect_number_format(col("€12.50", "GBP 3", "$4"))
    assert set(fmt.currencies) == {"€", "GBP", "$"}


def test_words_in_a_number_column_are_errors():
    res = amounts("12.50", "n/a", "", "twelve")
    assert res.errors.tolist() == [False, True, False, True]
    assert res.empty.tolist() == [False, False, True, False]
    assert res.values.to_pylist()[0] == Decimal("12.50")


def test_parse_numbers_detects_the_format_when_none_given():
    assert V.parse_numbers(col("1.234,56", "2,5")).values.to_pylist() == [Decimal("1234.56"), Decimal("2.5")]


# ----- ids --------------------------------------------------------------------------------------------------
def test_ids_trimmed_float_suffix_dropped_leading_zeros_kept():
    res = V.parse_ids(col(" 17850.0 ", "00017", "C-12", "", None, "17850"))
    assert res.values.to_pylist() == ["17850", "00017", "C-12", None, None, "17850"]
    assert res.values.type == pa.string()
    assert res.empty.tolist() == [False, False, False, True, True, False]
    assert not res.errors.any()


def test_ids_keep_real_decimals():
    assert V.parse_ids(col("12.5")).values.to_pylist() == ["12.5"]


# ----- yes/no -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("yes", True), ("No", False), ("Y", True), ("n", False), ("TRUE", True), ("false", False), ("1", True),
    ("0", False), ("opted in", True), ("Opted out", False), ("subscribed", True), ("unsubscribed", False),
    ("x", True),
])
def test_booleans(text, expected):
    res = V.parse_booleans(col(text))
    assert res.values.to_pylist() == [expected] and not res.errors.any()


def test_blank_boolean_is_empty_and_other_words_are_errors():
    res = V.parse_booleans(col("", None, "maybe"))
    assert res.values.to_pylist() == [None, None, None]
    assert res.empty.tolist() == [True, True, False]
    assert res.errors.tolist() == [False, False, True]


def test_parsers_accept_chunked_arrays():
    chunked = pa.chunked_array([col("1", "2"), col("3")])
    assert V.parse_numbers(chunked).values.to_pylist() == [Decimal(1), Decimal(2), Decimal(3)]
    assert V.parse_ids(chunked).values.to_pylist() == ["1", "2", "3"]


# ----- more rules: time zones, month names, unix seconds, resolving the order, odd amounts ---------------------
def test_written_time_zone_is_dropped_and_a_dash_year_is_not_a_zone():
    _, res = dates("2024-03-31T14:05:00Z", "2024-03-31 14:05:00+02:00")
    assert res.values.to_pylist() == [dt.datetime(2024, 3, 31, 14, 5)] * 2
    _, res = dates("31-03-2024", "01-04-2024")
    assert res.values.to_pylist() == [dt.datetime(2024, 3, 31), dt.datetime(2024, 4, 1)]


def test_month_names_day_first_and_month_first():
    fmt, res = dates("31 Mar 2024", "1 April 2024")
    assert fmt.order == "dmy" and res.values.to_pylist() == [dt.datetime(2024, 3, 31), dt.datetime(2024, 4, 1)]
    fmt, res = dates("March 31, 2024", "Apr 1, 2024")
    assert fmt.order == "mdy" and res.values.to_pylist() == [dt.datetime(2024, 3, 31), dt.datetime(2024, 4, 1)]


def test_unix_seconds_and_milliseconds():
    fmt, res = dates("1700000000", "1700000000000")
    assert fmt.order == "unix"
    assert res.values.to_pylist() == [dt.datetime(2023, 11, 14, 22, 13, 20)] * 2


def test_excel_serial_45000_is_15_march_2023_and_fraction_is_time():
    fmt, res = dates("45000", "45000.5")
    assert fmt.order == "excel-serial" and fmt.has_time
    assert res.values.to_pylist() == [dt.datetime(2023, 3, 15), dt.datetime(2023, 3, 15, 12)]


def test_ambiguous_order_resolved_by_the_owner_reads_month_first():
    fmt, _ = dates("01/02/2024", "03/04/2024")
    assert fmt.ambiguous and fmt.effective_order == "dmy"
    mdy = fmt.with_order("mdy")
    assert (mdy.order, mdy.ambiguous) == ("mdy", False)
    assert V.parse_dates(col("01/02/2024"), mdy).values.to_pylist() == [dt.datetime(2024, 1, 2)]
    with pytest.raises(ValueError):
        fmt.with_order("ydm")


def test_conflicting_orders_in_one_column_follow_the_majority_and_the_rest_are_errors():
    fmt, res = dates("31/01/2024", "25/02/2024", "02/13/2024")
    assert fmt.order == "dmy"
    assert res.errors.tolist() == [False, False, True]


def test_detection_accepts_a_plain_list_and_a_pandas_series():
    import pandas as pd
    assert V.detect_date_format(["31/12/2024", None, ""]).order == "dmy"
    res = V.parse_dates(pd.Series(["2024-01-02", None]), V.DateFormat("ymd", ["%Y-%m-%d"]))
    assert res.values.to_pylist() == [dt.datetime(2024, 1, 2), None] and res.empty.tolist() == [False, True]


def test_thousands_comma_in_a_decimal_point_column_must_group_by_three():
    res = amounts("1,234.50", "12,5", "12.5", fmt=V.NumberFormat(".", ","))
    assert res.values.to_pylist() == [Decimal("1234.50"), None, Decimal("12.5")]
    assert res.errors.tolist() == [False, True, False]


def test_unicode_minus_apostrophe_thousands_and_percent():
    assert amounts("\u221212.5", "3").values.to_pylist() == [Decimal("-12.5"), Decimal("3")]
    assert amounts("1'234.50", "7").values.to_pylist() == [Decimal("1234.50"), Decimal("7")]
    fmt = V.detect_number_format(col("12%", "7.5%"))
    assert fmt.percent and amounts("12%", "7.5%").values.to_pylist() == [Decimal("12"), Decimal("7.5")]


def test_more_than_four_decimals_round_and_too_large_is_an_error():
    res = amounts("0.123456", "123456789012345678")
    assert res.values.to_pylist() == [Decimal("0.1235"), None]
    assert res.errors.tolist() == [False, True]


def test_currency_per_value_lets_the_loader_flag_mixed_currencies():
    arr = col("€12.50", "12.00 EUR", "$3", "GBP 4", "5")
    fmt = V.detect_number_format(arr)
    assert fmt.currency_codes == ["EUR", "$", "GBP"] and fmt.mixed_currencies
    res = V.parse_numbers(arr, fmt)
    assert res.currency.to_pylist() == ["EUR", "EUR", "$", "GBP", None]
    assert res.values.to_pylist() == [Decimal("12.50"), Decimal("12.00"), Decimal("3"), Decimal("4"), Decimal("5")]
    assert not V.detect_number_format(col("€1", "2 €")).mixed_currencies


def test_ambiguous_grouping_alone_is_flagged():
    assert V.detect_number_format(col("1,234", "5,678")).ambiguous
    assert not V.detect_number_format(col("1,234", "12,5")).ambiguous


def test_ids_in_exact_scientific_notation_come_back_and_rounded_ones_are_errors():
    res = V.parse_ids(col("1.785E+04", "1.23457E+11"))
    assert res.values.to_pylist() == ["17850", None]
    assert res.errors.tolist() == [False, True]


@pytest.mark.parametrize("text, expected", [
    ("Opted in", True), ("opted out", False), ("SUBSCRIBED", True), ("Unsubscribed", False), ("Y", True),
    ("n", False), ("1", True), ("0", False), ("true", True), ("False", False),
])
def test_consent_words(text, expected):
    assert V.parse_booleans(col(text)).values.to_pylist() == [expected]


def test_sample_of_a_long_column_equals_trimming_every_cell():
    # long columns trim their distinct values only; the sample must be the one trimming every cell gives
    import numpy as np
    import pyarrow.compute as pc

    rng = np.random.default_rng(1)
    cells = [" 01/02/2020 ", "", None, "03/04/2021", "\u00a0", "05/06/2022 10:00", "13/01/2023", " \t", "\u2003"]
    column = pa.array([cells[i] for i in rng.integers(0, len(cells), 100_000)], pa.string())
    trimmed = trimmed_text(column)
    filled = trimmed.filter(pc.fill_null(pc.not_equal(trimmed, ""), False))
    picks = np.unique(np.linspace(0, len(filled) - 1, V.SAMPLE_SIZE).astype(np.int64))
    assert spread_sample(column) == filled.take(pa.array(picks)).to_pylist()
    assert "" not in spread_sample(column) and len(spread_sample(column)) == V.SAMPLE_SIZE
