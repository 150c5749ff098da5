"""The one number formatter of the pages: money, counts, percentages and dates as a shop owner reads them.

One rule each, so that every page writes a figure the same way:

- money: the currency's symbol in front, thousands separated, 2 decimals (0 for currencies without cents,
  such as the yen); a negative amount gets a real minus sign before the symbol (``−€4,100.50``);
- counts: whole numbers, thousands separated (``12,345``);
- percentages: 1 decimal (``12.3%``); changes of a percentage in points (``+1.2 pts``);
- dates: ``01 Dec 2010`` — never ``00:00:00``; a time only when the value has one (``01 Dec 2010 14:05``);
  months ``Dec 2010``;
- a missing value (None, NaN, NaT) is ``—``, never ``None`` or ``nan``.

Table columns use the same rules through :func:`money_column_format` and :data:`COUNT_COLUMN_FORMAT`
(printf-style strings for Streamlit's ``NumberColumn``). The currency symbols themselves are
:mod:`insights.core.money`'s.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from insights.core.money import currency_symbol, format_money

MISSING = "—"
MONEY_DECIMALS = 2
PERCENT_DECIMALS = 1
DATE_FORMAT = "%d %b %Y"
MONTH_FORMAT = "%b %Y"
TIME_FORMAT = "%H:%M"
# currencies whose amounts have no cents (ISO 4217 minor unit 0)
NO_CENTS = frozenset({"JPY", "KRW", "ISK", "CLP", "VND", "HUF"})
COUNT_COLUMN_FORMAT = "%,d"


def is_missing(value) -> bool:
    """None, NaN, pandas NA/NaT and empty text are missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)   # NaN, NaT and pandas NA compare unequal to themselves
    except (TypeError, ValueError):
        return False


def money_decimals(currency: str | None) -> int:
    return 0 if currency and str(currency).strip().upper() in NO_CENTS else MONEY_DECIMALS


def money(amount, currency: str | None) -> str:
    """``1234.5, 'EUR'`` → ``€1,234.50``; ``-4100.5, 'GBP'`` → ``−£4,100.50``; missing → ``—``."""
    if is_missing(amount):
        return MISSING
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return MISSING
    return format_money(value, currency, decimals=money_decimals(currency))


def money_change(change, currency: str | None) -> str:
    """A signed change of money for ``st.metric``'s delta (an ASCII sign, which Streamlit colours on)."""
    if is_missing(change):
        return ""
    sign = "+" if change > 0 else "-" if change < 0 else ""
    return sign + money(abs(Decimal(str(change))), currency)


def count(value) -> str:
    """``12345`` → ``12,345`` (a float is rounded to the nearest whole number); missing → ``—``."""
    if is_missing(value):
        return MISSING
    return f"{round(float(value)):,}"


def number(value, decimals: int = 1) -> str:
    """A measured quantity that is neither money nor a count (days, scores): thousands separated."""
    if is_missing(value):
        return MISSING
    return f"{float(value):,.{decimals}f}"


def percent(share, decimals: int = PERCENT_DECIMALS) -> str:
    """A share (0.123) as ``12.3%``; missing → ``—``."""
    if is_missing(share):
        return MISSING
    return f"{float(share) * 100:,.{decimals}f}%"


def points(change) -> str:
    """A change of a share in percentage points: ``0.012`` → ``+1.2 pts``."""
    if is_missing(change):
        return ""
    sign = "+" if change > 0 else "-" if change < 0 else ""
    return f"{sign}{abs(float(change)) * 100:.{PERCENT_DECIMALS}f} pts"


def _as_datetime(value) -> dt.datetime | dt.date | None:
    if is_missing(value):
        return None
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if hasattr(value, "to_pydatetime"):      # pandas Timestamp
        return value.to_pydatetime()
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    return None


def day(value) -> str:
    """A date as ``01 Dec 2010``; a timestamp with a time of day adds it (``01 Dec 2010 14:05``), midnight
    does not; missing or unreadable → ``—``."""
    when = _as_datetime(value)
    if when is None:
        return MISSING
    text = when.strftime(DATE_FORMAT)
    if isinstance(when, dt.datetime) and (when.hour, when.minute, when.second) != (0, 0, 0):
        text += " " + when.strftime(TIME_FORMAT)
    return text


def day_range(first, last) -> str:
    """``01 Dec 2010 – 30 Jun 2024``."""
    return f"{day(first)} – {day(last)}"


def month(value) -> str:
    """A month as ``Dec 2010`` (a date, a timestamp, a pandas Period or ``'2010-12'``)."""
    if is_missing(value):
        return MISSING
    if hasattr(value, "to_timestamp"):       # pandas Period
        value = value.to_timestamp()
    if isinstance(value, str) and len(value.strip()) == 7:
        value = value.strip() + "-01"
    when = _as_datetime(value)
    return when.strftime(MONTH_FORMAT) if when is not None else MISSING


def money_column_format(currency: str | None) -> str:
    """The printf format of a table column of amounts: ``€%,.2f`` (Streamlit's ``NumberColumn(format=…)``)."""
    symbol = currency_symbol(currency).replace("%", "%%")
    return f"{symbol}%,.{money_decimals(currency)}f"

