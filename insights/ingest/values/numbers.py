"""Amounts: how a column writes them (:func:`detect_number_format`), then each cell read so (:func:`parse_numbers`).

``1,234.56``, ``1.234,56``, ``1 234,56`` (also with no-break or thin spaces), ``1'234.56``, ``€12.50``, ``12,50 €``,
``$1,200``, ``GBP 12``, ``(12.00)`` and ``12-`` for negatives, ``−12`` (Unicode minus), ``1e3``. Decimal comma or
point is decided per column from the values that show it (``12,5`` ⇒ comma; ``1,234`` alone decides nothing).
A thousands separator must group by three, so ``12,5`` in a decimal-point column is an error, not 125.
An amount keeps its cents exactly (``decimal128(18, 4)``, never a float). The currencies written are returned
per value (``ParseResult.currency``) and per column (``NumberFormat.currencies``) so the loader can flag a file
that mixes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.values.column import (ParseResult, as_array, empty_mask, make_result, run_sql, spread_sample,
                                           trimmed_text)

DECIMAL = pa.decimal128(18, 4)

CURRENCY_CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY", "INR", "BRL", "AUD", "CAD", "NZD", "SEK", "NOK",
                  "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "ZAR", "MXN", "SGD", "HKD", "KRW", "ILS",
                  "AED", "SAR", "RUB", "UAH", "ARS", "CLP", "COP", "PEN", "THB", "IDR", "MYR", "PHP", "VND")
CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "R$": "BRL", "US$": "USD", "C$": "CAD",
                    "A$": "AUD", "CHF": "CHF", "zł": "PLN", "kr": "kr", "$": "$", "₺": "TRY", "₩": "KRW", "₽": "RUB"}
_CURRENCY_RE = (r"(?:US\$|R\$|C\$|A\$|[€£¥₹$₺₩₽]|zł|\bkr\.?|\b(?:" + "|".join(CURRENCY_CODES) + r")\b)")
_CURRENCY = re.compile(_CURRENCY_RE, re.I)
_SPACES = "\u00a0\u2009\u202f\u2007 "


@dataclass
class NumberFormat:
    """How one column writes amounts. ``decimal``: ``'.'`` or ``','``; ``thousands``: the grouping
    character (``','``, ``'.'``, ``' '``, ``"'"``) or None; ``currencies``: the currency symbols and codes as written
    ('€', 'GBP', '$'; :attr:`currency_codes` turns them into codes); ``ambiguous``: nothing in the column
    told decimal comma from point (read as ``decimal``); ``percent``: values carry '%' (read as written: 12%
    → 12)."""
    decimal: str = "."
    thousands: str | None = ","
    currencies: list[str] = field(default_factory=list)
    ambiguous: bool = False
    percent: bool = False

    @property
    def currency_codes(self) -> list[str]:
        """The currencies as codes where the symbol says which ('€' → 'EUR'; '$' stays '$')."""
        out: list[str] = []
        for c in self.currencies:
            code = _currency_code(c)
            if code not in out:
                out.append(code)
        return out

    @property
    def mixed_currencies(self) -> bool:
        return len(self.currency_codes) > 1


def _currency_code(token: str) -> str:
    t = token.rstrip(".")
    return CURRENCY_SYMBOLS.get(t, CURRENCY_SYMBOLS.get(t.lower(), t.upper()))


def detect_number_format(sample: Sequence[str] | pa.Array) -> NumberFormat:
    """Decimal comma or point and thousands separator from the values that show them; currencies seen."""
    values = spread_sample(sample)
    comma = point = 0
    spaces = apostrophes = 0
    currencies: list[str] = []
    percent = False
    for v in values:
        for m in _CURRENCY.finditer(v):
            token = m.group(0)
            if token not in currencies:
                currencies.append(token)
        if "%" in v:
            percent = True
        body = _CURRENCY.sub("", v)
        if re.search(r"\d[" + _SPACES + r"]\d{3}", body):
            spaces += 1
        if re.search(r"\d'\d{3}", body):
            apostrophes += 1
        digits = re.sub(r"[^\d.,]", "", body)
        if "e" in body.lower() and re.fullmatch(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+", body.strip()):
            point += 1
            continue
        if "," in digits and "." in digits:
            if digits.rfind(",") > digits.rfind("."):
                comma += 1
            else:
                point += 1
        elif "," in digits:
            parts = digits.split(",")
            if len(parts) == 2 and len(parts[1]) != 3:
                comma += 1            # 12,5 or 12,50: a decimal comma
            elif len(parts) > 2:
                point += 1            # 1,234,567: commas group thousands
        elif "." in digits:
            parts = digits.split(".")
            if len(parts) == 2 and len(parts[1]) != 3:
                point += 1
            elif len(parts) > 2:
                comma += 1            # 1.234.567: points group thousands
    ambiguous = comma == point == 0 and any(re.search(r"\d[.,]\d{3}(?!\d)", v) for v in values)
    if comma > point:
        decimal, thousands = ",", "."
    else:
        decimal, thousands = ".", ","
    if spaces:
        thousands = " "
    elif apostrophes:
        thousands = "'"
    return NumberFormat(decimal, thousands, currencies, ambiguous, percent)


_SIMPLE_NUMBER = r"^-?\d{1,14}(\.\d{1,4})?$"


def _to_decimal(canon: pa.Array) -> pa.Array:
    """Canonical number text (``-1234.5``, ``1e3``) → decimal128(18, 4); out of range → null."""
    simple = pc.fill_null(pc.match_substring_regex(canon, _SIMPLE_NUMBER), False)
    fast = pc.cast(pc.if_else(simple, canon, pa.scalar(None, pa.string())), DECIMAL)
    rest = pc.and_(pc.invert(simple), pc.is_valid(canon))
    if not pc.any(rest).as_py():
        return fast
    slow = run_sql("numbers_decimal.sql", canon.filter(rest)).cast(DECIMAL)   # exponents, over 4 decimals, rounding
    return pc.replace_with_mask(fast, rest, slow)


def parse_numbers(values, fmt: NumberFormat | None = None) -> ParseResult:
    """Exact decimals (``decimal128(18, 4)``: 4 decimals, up to ±99,999,999,999,999.9999)."""
    arr = as_array(values)
    fmt = fmt or detect_number_format(arr)
    trimmed = trimmed_text(arr)
    empty = empty_mask(trimmed)
    text = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), trimmed) if empty.any() else trimmed
    if fmt.decimal == "." and pc.all(pc.fill_null(pc.match_substring_regex(text, _SIMPLE_NUMBER), True)).as_py():
        return make_result(pc.cast(text, DECIMAL), empty)   # the common case: plain 123.45
    text, currency = _strip_currencies(text)
    thousands = fmt.thousands if fmt.thousands and fmt.thousands != fmt.decimal else None
    for space in _SPACES + "\t" + ("'" if thousands == "'" else ""):   # literal replacements: fast
        if pc.any(pc.fill_null(pc.match_substring(text, space), False)).as_py():
            text = pc.replace_substring(text, space, "")
    text = pc.replace_substring(text, "\u2212", "-")
    if "%" in "".join(spread_sample(text, 200)) or fmt.percent:
        text = pc.replace_substring_regex(text, "%$", "")
    if pc.any(pc.fill_null(pc.starts_with(text, "("), False)).as_py():
        text = pc.replace_substring_regex(text, r"^\((.*)\)$", r"-\1")
    if pc.any(pc.fill_null(pc.ends_with(text, "-"), False)).as_py():
        text = pc.replace_substring_regex(text, r"^\+?([^-]+)-$", r"-\1")
    dec = re.escape(fmt.decimal)
    sep = None if thousands in (None, " ", "'") else re.escape(thousands)
    plain = r"[+-]?(\d+(" + dec + r"\d*)?|" + dec + r"\d+)([eE][+-]?\d+)?"
    pattern = "^(" + plain + (r"|[+-]?\d{1,3}(" + sep + r"\d{3})+(" + dec + r"\d*)?" if sep else "") + ")$"
    valid = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    text = pc.if_else(valid, text, pa.scalar(None, pa.string()))
    if sep:
        text = pc.replace_substring(text, thousands, "")
    if fmt.decimal != ".":
        text = pc.replace_substring(text, fmt.decimal, ".")
    if pc.any(pc.fill_null(pc.starts_with(text, "+"), False)).as_py():
        text = pc.replace_substring_regex(text, r"^\+", "")
    return make_result(_to_decimal(text), empty, currency)


def _strip_currencies(text: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """(the text without currency symbols/codes, the currency of each value as a code — or None when no
    value has one). Tokens seen in a sample are replaced literally (fast); rows still holding other
    characters are searched with the full pattern."""
    odd_chars = r"[^0-9 .,()+%'\-" + _SPACES + "\u2212\t]"
    tokens: list[str] = []
    for v in spread_sample(text, 2000):
        for m in _CURRENCY.finditer(v):
            if m.group(0) not in tokens:
                tokens.append(m.group(0))
    codes = pa.nulls(len(text), pa.string())
    found_any = False

    def take_out(text, codes, token):
        has = pc.fill_null(pc.match_substring(text, token), False)
        if not pc.any(has).as_py():
            return text, codes, False
        codes = pc.if_else(pc.and_(has, pc.is_null(codes)), pa.scalar(_currency_code(token)), codes)
        return pc.replace_substring(text, token, ""), codes, True

    for token in sorted(tokens, key=len, reverse=True):   # 'US$' before '$'
        text, codes, hit = take_out(text, codes, token)
        found_any |= hit
    odd = pc.fill_null(pc.match_substring_regex(text, odd_chars), False)
    if pc.any(odd).as_py():
        more = []
        for v in text.filter(odd).to_pylist():
            for m in _CURRENCY.finditer(v):
                if m.group(0) not in more and m.group(0) not in tokens:
                    more.append(m.group(0))
        for token in sorted(more, key=len, reverse=True):
            text, codes, hit = take_out(text, codes, token)
            found_any |= hit
    return text, (codes if found_any else None)
