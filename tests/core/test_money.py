from decimal import Decimal

from insights.core.money import currency_symbol, format_money


def test_format_money_signs_symbols_and_grouping():
    assert format_money(Decimal("-4100.5"), "EUR") == "−€4,100"  # banker's rounding of .5 → even
    assert format_money(1234567.891, "GBP", decimals=2) == "£1,234,567.89"
    assert format_money(12, "XYZ") == "XYZ 12"
    assert format_money(None, "EUR") == "—"


def test_currency_symbol_unknown_and_missing():
    assert currency_symbol("eur") == "€"
    assert currency_symbol(None) == ""
