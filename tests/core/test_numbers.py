import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

from insights.core import numbers


def test_money_has_the_symbol_thousands_and_two_decimals():
    assert numbers.money(1234.5, "EUR") == "€1,234.50"
    assert numbers.money(Decimal("-4100.505"), "GBP") == "−£4,100.50"
    assert numbers.money(1234567, "USD") == "$1,234,567.00"
    assert numbers.money(1234.4, "JPY") == "¥1,234"          # no cents in yen
    assert numbers.money(12, None) == "12.00"                  # nobody said which currency
    for missing in (None, float("nan"), np.nan, pd.NA, pd.NaT, ""):
        assert numbers.money(missing, "EUR") == "—"


def test_changes_carry_a_sign_st_metric_can_colour():
    assert numbers.money_change(-12.5, "EUR") == "-€12.50"
    assert numbers.money_change(3, "EUR") == "+€3.00"
    assert numbers.money_change(None, "EUR") == ""
    assert numbers.points(0.0123) == "+1.2 pts"
    assert numbers.points(-0.2) == "-20.0 pts"


def test_counts_percentages_and_numbers():
    assert numbers.count(12345) == "12,345"
    assert numbers.count(12344.6) == "12,345"
    assert numbers.count(np.int64(7)) == "7"
    assert numbers.count(None) == "—"
    assert numbers.percent(0.1234) == "12.3%"
    assert numbers.percent(1) == "100.0%"
    assert numbers.percent(float("nan")) == "—"
    assert numbers.number(1234.56) == "1,234.6"


def test_dates_never_show_midnight_and_missing_is_a_dash():
    assert numbers.day(dt.date(2010, 12, 1)) == "01 Dec 2010"
    assert numbers.day(pd.Timestamp("2010-12-01 00:00:00")) == "01 Dec 2010"
    assert numbers.day(dt.datetime(2010, 12, 1, 14, 5, 59)) == "01 Dec 2010 14:05"
    assert numbers.day("2024-06-30") == "30 Jun 2024"
    assert numbers.day("<script>") == "—"
    assert numbers.day(pd.NaT) == "—"
    assert numbers.day_range(dt.date(2010, 12, 1), dt.date(2024, 6, 30)) == "01 Dec 2010 – 30 Jun 2024"
    assert numbers.month(pd.Period("2025-03", "M")) == "Mar 2025"
    assert numbers.month("2025-03") == "Mar 2025"
    assert numbers.month(dt.date(2025, 3, 9)) == "Mar 2025"


def test_table_columns_follow_the_same_rule():
    assert numbers.money_column_format("EUR") == "€%,.2f"
    assert numbers.money_column_format("JPY") == "¥%,.0f"
    assert numbers.money_column_format(None) == "%,.2f"
    assert numbers.money_column_format("XYZ") == "XYZ %,.2f"
