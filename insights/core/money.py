"""Money formatting: one place that turns amounts and currency codes into text a shop owner reads."""

from __future__ import annotations

from decimal import Decimal

# the currencies the pages offer first when the owner picks one (any three-letter code is accepted)
COMMON_CURRENCIES = ("EUR", "GBP", "USD", "CHF", "SEK", "DKK", "NOK", "PLN", "CAD", "AUD", "BRL", "JPY", "INR")
SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "BRL": "R$", "JPY": "¥", "CHF": "CHF ", "SEK": "kr ",
           "DKK": "kr ", "NOK": "kr ", "PLN": "zł ", "AUD": "A$", "CAD": "C$", "INR": "₹"}


def currency_symbol(currency: str | None) -> str:
    """The symbol for an ISO code (``EUR`` → ``€``); unknown codes are shown as the code plus a space."""
    if not currency:
        return ""
    code = str(currency).strip().upper()
    return SYMBOLS.get(code, code + " ")


def format_money(amount, currency: str | None = None, decimals: int = 0) -> str:
    """``-4100.5, 'EUR'`` → ``−€4,101``. Negative amounts get a real minus sign in front of the symbol."""
    if amount is None:
        return "—"
    value = Decimal(str(amount))
    sign = "−" if value < 0 else ""
    return f"{sign}{currency_symbol(currency)}{abs(value):,.{decimals}f}"
