"""Turning text cells into dates, amounts, ids and yes/no — decided per column from the data, vectorised.

Every parser takes a column of text (``pa.Array``, ``pa.ChunkedArray``, ``pd.Series`` or a list) and returns
a :class:`ParseResult`: the typed values (``pa.Array``), an ``errors`` mask (a non-empty cell that could not
be read; its value is null) and an ``empty`` mask (null or only spaces). Nothing is guessed silently: an
impossible date (31/02/2024) is an error, not 2 March; an amount keeps its cents exactly
(``decimal128(18, 4)``, never a float).

Dates (:func:`detect_date_format` then :func:`parse_dates`): ISO (``2024-03-31``, ``T`` or space, times,
fractions, a time zone — dropped: timestamps are naive local time), day-first or month-first with ``/ . -``
separators and 2- or 4-digit years, times with or without seconds and AM/PM, ``31 Mar 2024``, ``yyyymmdd``
(CDNOW's ``19970101``), Excel serial numbers (``45000`` → 2023-03-15, only when the whole column is such
numbers in 1954–2099) and Unix seconds. The day/month order is decided per column: a first field above
12 means day-first, a second field above 12 means month-first; when no value decides, the order is
``'ambiguous'`` — read day-first unless :meth:`DateFormat.with_order` says otherwise, and the caller asks
the owner. Excel serials count from 1899-12-30 (Excel's 1900 leap-year bug included, as Excel shows them).

Amounts (:func:`detect_number_format` then :func:`parse_numbers`): ``1,234.56``, ``1.234,56``,
``1 234,56`` (also with no-break or thin spaces), ``1'234.56``, ``€12.50``, ``12,50 €``, ``$1,200``,
``GBP 12``, ``(12.00)`` and ``12-`` for negatives, ``−12`` (Unicode minus), ``1e3``. Decimal comma or point
is decided per column from the values that show it (``12,5`` ⇒ comma; ``1,234`` alone decides nothing).
A thousands separator must group by three, so ``12,5`` in a decimal-point column is an error, not 125.
The currencies written are returned per value (``ParseResult.currency``) and per column
(``NumberFormat.currencies``) so the loader can flag a file that mixes them.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SAMPLE_SIZE = 5000
TIMESTAMP = pa.timestamp("us")
DECIMAL = pa.decimal128(18, 4)


# ----- shared ---------------------------------------------------------------------------------------------
@dataclass
class ParseResult:
    """Typed ``values`` (null where empty or unreadable), ``errors``/``empty`` as numpy bool masks.

    ``currency`` (numbers only): the currency written with each value (``'EUR'``, ``'GBP'``, ``'$'``…) or null.
    """
    values: pa.Array
    errors: np.ndarray
    empty: np.ndarray
    currency: pa.Array | None = None

    @property
    def error_count(self) -> int:
        return int(self.errors.sum())


def _as_array(column) -> pa.Array:
    """Any column of text as a ``pa.string()`` array (pandas NA/None → null)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    elif not isinstance(column, pa.Array):
        try:
            import pandas as pd
            if isinstance(column, pd.Series):
                column = pa.Array.from_pandas(column.astype("string") if column.dtype != object else column)
        except ImportError:  # pragma: no cover - pandas is a dependency
            pass
        if not isinstance(column, pa.Array):
            column = pa.array([None if v is None else str(v) for v in column], pa.string())
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    return column


def _to_numpy_bool(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def _trimmed(arr: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(pc.replace_substring(arr, "\u00a0", " "))


def _empty_mask(trimmed: pa.Array) -> np.ndarray:
    return _to_numpy_bool(pc.fill_null(pc.equal(trimmed, ""), True))


def _sample(values, n: int = SAMPLE_SIZE) -> list[str]:
    """Up to ``n`` non-empty trimmed values, spread over the whole column (not just its top)."""
    if isinstance(values, (list, tuple)) and all(isinstance(v, str) or v is None for v in values[:50]):
        filled = [v.strip() for v in values if v is not None and v.strip()]
        if len(filled) > n:
            idx = np.unique(np.linspace(0, len(filled) - 1, n).astype(np.int64))
            filled = [filled[i] for i in idx]
        return filled
    arr = _as_array(values)
    if len(arr) > 4 * n and pa.types.is_string(arr.type):
        # a long column: find the empty cells without trimming every one (a cell is empty when it is null, ""
        # or only spaces), then trim the picked cells only: the same sample as trimming every cell
        blank = pc.or_(pc.equal(pc.utf8_length(arr), 0), pc.utf8_is_space(arr))
        rows = np.flatnonzero(~pc.fill_null(blank, True).to_numpy(zero_copy_only=False))
        if len(rows) > n:
            rows = rows[np.unique(np.linspace(0, len(rows) - 1, n).astype(np.int64))]
        return _trimmed(arr.take(pa.array(rows))).to_pylist()
    trimmed = _trimmed(arr)
    filled = trimmed.filter(pc.fill_null(pc.not_equal(trimmed, ""), False))
    if len(filled) > n:
        idx = np.unique(np.linspace(0, len(filled) - 1, n).astype(np.int64))
        filled = filled.take(pa.array(idx))
    return filled.to_pylist()


_BASE = None
_BASE_LOCK = threading.Lock()


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on this module's own in-memory DuckDB (not DuckDB's default connection; holds no data)."""
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            _BASE = duckdb.connect(":memory:")
        return _BASE.cursor()


def _run(sql: str, arr: pa.Array, params: dict | None = None) -> pa.Array:
    """Run fixed ``sql`` over a one-column table ``{t}(v)``; values only ever arrive as bound parameters."""
    con = _cursor()
    view = "v_" + uuid.uuid4().hex
    try:
        con.register(view, pa.table({"v": arr}))
        out = con.sql(sql.replace("{t}", view), params=params or None).to_arrow_table()
        con.unregister(view)
    finally:
        con.close()
    col = out.column(0)
    return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)


def _result(values: pa.Array, empty: np.ndarray, currency: pa.Array | None = None) -> ParseResult:
    missing = _to_numpy_bool(values.is_null())
    if empty.any():
        values = pc.if_else(pa.array(empty), pa.scalar(None, values.type), values)
    return ParseResult(values, missing & ~empty, empty, currency)


# ----- dates ----------------------------------------------------------------------------------------------
DATE_ORDERS = ("ymd", "dmy", "mdy", "ambiguous", "excel-serial", "unix", "unknown")
_EXAMPLES = {"ymd": "2024-03-31", "dmy": "31/03/2024", "mdy": "03/31/2024", "ambiguous": "31/03/2024",
             "excel-serial": "45382 (an Excel date number)", "unix": "1711843200 (seconds since 1970)",
             "unknown": "2024-03-31"}


@dataclass
class DateFormat:
    """How one column writes its dates.

    ``order``: ``'ymd'``, ``'dmy'``, ``'mdy'``, ``'ambiguous'`` (day/month undecided: read as
    ``default_order`` until :meth:`with_order` resolves it), ``'excel-serial'``, ``'unix'`` or
    ``'unknown'`` (nothing looked like a date: every value is an error). ``formats``: strptime formats
    tried in order (ISO is always accepted too). ``share``: the part of the sample the formats read.
    """
    order: str
    formats: list[str] = field(default_factory=list)
    has_time: bool = False
    default_order: str = "dmy"
    share: float = 1.0

    @property
    def ambiguous(self) -> bool:
        return self.order == "ambiguous"

    @property
    def effective_order(self) -> str:
        """The order actually used to read the values (``default_order`` while ambiguous)."""
        return self.default_order if self.order == "ambiguous" else self.order

    @property
    def example(self) -> str:
        return _EXAMPLES.get(self.effective_order, "2024-03-31")

    def with_order(self, order: str) -> "DateFormat":
        """Resolve a day/month column to ``'dmy'`` or ``'mdy'`` (the owner's answer)."""
        if order not in ("dmy", "mdy"):
            raise ValueError(f"date order must be 'dmy' or 'mdy', not {order!r}")
        if self.order not in ("dmy", "mdy", "ambiguous"):
            return self
        if order == self.effective_order:
            return replace(self, order=order, default_order=order)
        swap = {"%d": "%m", "%m": "%d"}
        formats = [re.sub(r"%[dm]", lambda m: swap[m.group(0)], f) for f in self.formats]
        return replace(self, order=order, formats=formats, default_order=order)


_TIME = r"(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_TZ = r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + _TZ + "$")
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + "$")
_COMPACT = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_UNIX = re.compile(r"^\d{10}(\d{3})?$")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_NAMED_DMY = re.compile(r"^(\d{1,2})([ \-])(" + _MONTHS + r")[a-z]*\.?\2(\d{4})" + _TIME + "$", re.I)
_NAMED_MDY = re.compile(r"^(" + _MONTHS + r")[a-z]*\.? (\d{1,2}),? (\d{4})" + _TIME + "$", re.I)
SERIAL_RANGE = (20000, 73050)            # 1954-10-03 .. 2099-12-31
UNIX_RANGE = (946_684_800, 2_524_608_000)  # 2000-01-01 .. 2050-01-01


def _time_format(m: re.Match, first_group: int, text: str) -> str:
    """The strptime suffix for the time part matched by ``_TIME`` starting at group ``first_group``."""
    hour, seconds, fraction, ampm = (m.group(first_group), m.group(first_group + 2), m.group(first_group + 3),
                                     m.group(first_group + 4))
    if hour is None:
        return ""
    start = m.start(first_group)
    joiner = text[:start][len(text[:start].rstrip("T ,")):]
    out = joiner + ("%I" if ampm else "%H") + ":%M" + (":%S" if seconds else "") + (".%f" if fraction else "")
    if ampm:
        between = text[m.end(first_group + 3) if fraction else (m.end(first_group + 2) if seconds else
                                                                  m.end(first_group + 1)):m.start(first_group + 4)]
        out += between + "%p"
    return out


def _add(formats: list[str], f: str) -> None:
    if f not in formats:
        formats.append(f)


def detect_date_format(sample: Sequence[str] | pa.Array) -> DateFormat:
    """How a column writes dates, from (a spread sample of) its values. Never raises on odd values."""
    values = _sample(sample)
    if not values:
        return DateFormat("unknown", [], share=0.0)
    n = len(values)
    iso = [(v, m) for v, m in ((v, _ISO.match(v)) for v in values) if m]
    dmy = [(v, m) for v, m in ((v, _DMY.match(v)) for v in values) if m]
    if len(iso) >= 0.5 * n and len(iso) >= len(dmy):
        formats: list[str] = []
        for v, m in iso:
            sep = m.group(2)
            _add(formats, f"%Y{sep}%m{sep}%d" + _time_format(m, 5, v))
        return DateFormat("ymd", formats, any(m.group(5) is not None for _, m in iso), share=len(iso) / n)
    if len(dmy) >= 0.5 * n:
        firsts = [int(m.group(1)) for _, m in dmy]
        seconds = [int(m.group(3)) for _, m in dmy]
        has_time = any(m.group(5) is not None for _, m in dmy)
        day_first = sum(1 for x in firsts if x > 12)
        month_first = sum(1 for x in seconds if x > 12)
        if day_first or month_first:
            order = "dmy" if day_first >= month_first else "mdy"
        elif all(a == b for a, b in zip(firsts, seconds)):
            order = "dmy"      # 01/01, 02/02 …: either reading gives the same date
        else:
            order = "ambiguous"
        first, second = ("%m", "%d") if order == "mdy" else ("%d", "%m")
        formats = []
        for v, m in dmy:
            sep = m.group(2)
            year = "%Y" if len(m.group(4)) == 4 else "%y"
            _add(formats, f"{first}{sep}{second}{sep}{year}" + _time_format(m, 5, v))
        return DateFormat(order, formats, has_time, share=len(dmy) / n)
    compact = sum(bool(_COMPACT.match(v)) for v in values)
    if compact >= 0.9 * n:
        return DateFormat("ymd", ["%Y%m%d"], share=compact / n)
    if all(_SERIAL.match(v) for v in values):
        serials = [float(v) for v in values]
        if all(SERIAL_RANGE[0] <= s <= SERIAL_RANGE[1] for s in serials):
            return DateFormat("excel-serial", [], any(s % 1 for s in serials))
    if all(_UNIX.match(v) for v in values):
        secs = [int(v[:10]) for v in values]
        if all(UNIX_RANGE[0] <= s <= UNIX_RANGE[1] for s in secs):
            return DateFormat("unix", [], True)
    named_dmy = [(v, m) for v, m in ((v, _NAMED_DMY.match(v)) for v in values) if m]
    named_mdy = [(v, m) for v, m in ((v, _NAMED_MDY.match(v)) for v in values) if m]
    if len(named_dmy) >= 0.5 * n:
        formats = []
        for v, m in named_dmy:
            sep, month = m.group(2), m.group(3)
            word = v[m.start(3):m.end(3) + len(v[m.end(3):].split(sep)[0])]
            _add(formats, f"%d{sep}{'%B' if len(word.rstrip('.')) > 3 else '%b'}{sep}%Y" + _time_format(m, 5, v))
        return DateFormat("dmy", formats, any(m.group(5) for _, m in named_dmy), share=len(named_dmy) / n)
    if len(named_mdy) >= 0.5 * n:
        formats = []
        for v, m in named_mdy:
            word = v.split(" ")[0].rstrip(".")
            comma = "," if "," in v[:v.rfind(m.group(3))] else ""
            _add(formats, f"{'%B' if len(word) > 3 else '%b'} %d{comma} %Y" + _time_format(m, 4, v))
        return DateFormat("mdy", formats, any(m.group(4) for _, m in named_mdy), share=len(named_mdy) / n)
    return DateFormat("unknown", [], share=0.0)


def date_share(values: Sequence[str]) -> float:
    """Part of the values that read as dates in the column's own format (for recognising a date column)."""
    fmt = detect_date_format(values)
    if fmt.order == "unknown":
        return 0.0
    res = parse_dates(values, fmt)
    filled = ~res.empty
    return float((filled & ~res.errors).sum() / filled.sum()) if filled.any() else 0.0


_TZ_SUFFIX = r"(\d:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$"   # only after a time
_ISO_SQL_RE = r"\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
_STRPTIME_SQL = r"""
select coalesce(try_strptime(v, $formats),
                case when regexp_full_match(v, $iso) then try_cast(v as timestamp) end)
from {t}"""
_SERIAL_SQL = r"""
select case when regexp_full_match(v, '\d{5}(\.\d+)?') and try_cast(v as double) between $lo and $hi
            then (timestamp '1899-12-30'
                  + to_microseconds(cast(round(try_cast(v as double) * 86400000000) as bigint)))::timestamp
       end
from {t}"""
_UNIX_SQL = r"""
select case when regexp_full_match(v, '\d{10}') then make_timestamp(cast(v as bigint) * 1000000)
            when regexp_full_match(v, '\d{13}') then make_timestamp(cast(v as bigint) * 1000)
       end
from {t}"""


def parse_dates(values, fmt: DateFormat | None) -> ParseResult:
    """Timestamps (``pa.timestamp('us')``, naive local time; a written time zone is dropped). An ambiguous
    format reads as its ``default_order`` (day-first unless said otherwise). Impossible dates are errors."""
    arr = _as_array(values)
    trimmed = _trimmed(arr)
    empty = _empty_mask(trimmed)
    if fmt is None:
        fmt = detect_date_format(arr)
    text = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), trimmed) if empty.any() else trimmed
    if fmt.order == "excel-serial":
        parsed = _run(_SERIAL_SQL, text, {"lo": float(SERIAL_RANGE[0]), "hi": float(SERIAL_RANGE[1])})
    elif fmt.order == "unix":
        parsed = _run(_UNIX_SQL, text)
    else:
        formats = [f for f in fmt.formats if "%s" not in f] or ["%Y-%m-%d"]
        if any("%p" in f for f in formats):
            text = pc.replace_substring_regex(text, r"([AaPp])\.?[Mm]\.?$", r"\1M")
        if pc.any(pc.fill_null(pc.match_substring_regex(text, _TZ_SUFFIX), False)).as_py():
            text = pc.replace_substring_regex(text, _TZ_SUFFIX, r"\1")
        parsed = _run(_STRPTIME_SQL, text, {"formats": formats, "iso": _ISO_SQL_RE})
    return _result(parsed.cast(TIMESTAMP), empty)


# ----- numbers --------------------------------------------------------------------------------------------
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
    values = _sample(sample)
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
_CAST_SQL = "select try_cast(v as decimal(18, 4)) from {t}"


def _to_decimal(canon: pa.Array) -> pa.Array:
    """Canonical number text (``-1234.5``, ``1e3``) → decimal128(18, 4); out of range → null."""
    simple = pc.fill_null(pc.match_substring_regex(canon, _SIMPLE_NUMBER), False)
    fast = pc.cast(pc.if_else(simple, canon, pa.scalar(None, pa.string())), DECIMAL)
    rest = pc.and_(pc.invert(simple), pc.is_valid(canon))
    if not pc.any(rest).as_py():
        return fast
    slow = _run(_CAST_SQL, canon.filter(rest)).cast(DECIMAL)   # exponents, more than 4 decimals, rounding
    return pc.replace_with_mask(fast, rest, slow)


def parse_numbers(values, fmt: NumberFormat | None = None) -> ParseResult:
    """Exact decimals (``decimal128(18, 4)``: 4 decimals, up to ±99,999,999,999,999.9999)."""
    arr = _as_array(values)
    fmt = fmt or detect_number_format(arr)
    trimmed = _trimmed(arr)
    empty = _empty_mask(trimmed)
    text = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), trimmed) if empty.any() else trimmed
    if fmt.decimal == "." and pc.all(pc.fill_null(pc.match_substring_regex(text, _SIMPLE_NUMBER), True)).as_py():
        return _result(pc.cast(text, DECIMAL), empty)   # the common case: plain 123.45
    text, currency = _strip_currencies(text)
    thousands = fmt.thousands if fmt.thousands and fmt.thousands != fmt.decimal else None
    for space in _SPACES + "\t" + ("'" if thousands == "'" else ""):   # literal replacements: fast
        if pc.any(pc.fill_null(pc.match_substring(text, space), False)).as_py():
            text = pc.replace_substring(text, space, "")
    text = pc.replace_substring(text, "\u2212", "-")
    if "%" in "".join(_sample(text, 200)) or fmt.percent:
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
    return _result(_to_decimal(text), empty, currency)


def _strip_currencies(text: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """(the text without currency symbols/codes, the currency of each value as a code — or None when no
    value has one). Tokens seen in a sample are replaced literally (fast); rows still holding other
    characters are searched with the full pattern."""
    odd_chars = r"[^0-9 .,()+%'\-" + _SPACES + "\u2212\t]"
    tokens: list[str] = []
    for v in _sample(text, 2000):
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


# ----- ids and yes/no -------------------------------------------------------------------------------------
_IDS_SQL = r"""
select case
    when x is null or x = '' then null
    when regexp_full_match(x, '-?\d+\.0+') then regexp_replace(x, '\.0+$', '')
    when regexp_full_match(x, '\d(\.\d+)?[eE]\+?\d+') then
        case when try_cast(x as double) < 1e15
                  and try_cast(x as decimal(38, 10)) = floor(try_cast(x as decimal(38, 10)))
                  and length(cast(cast(try_cast(x as decimal(38, 10)) as hugeint) as varchar))
                      - length(regexp_replace(regexp_extract(x, '^[^eE]+'), '[^0-9]', '', 'g')) <= 2
             then cast(cast(try_cast(x as decimal(38, 10)) as hugeint) as varchar)
        end
    else x end
from (select trim(replace(v, chr(160), ' ')) as x from {t})"""


def parse_ids(values) -> ParseResult:
    """Ids as text: trimmed, leading zeros kept, ``17850.0`` → ``17850``, ``1.785E+04`` → ``17850``.

    Scientific notation is turned back into digits only when it is exact; ``1.23457E+11`` (what Excel
    shows for a 12-digit id) lost digits that cannot be recovered, so it is an error.
    """
    arr = _as_array(values)
    empty = _empty_mask(_trimmed(arr))
    if not pc.any(pc.fill_null(pc.match_substring_regex(arr, r"(\.0+\s*$)|\d[eE]|^\s|\s$|" + "\u00a0"), False)).as_py():
        out = arr  # nothing to rewrite
        return _result(pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), out) if empty.any() else out,
                       empty)
    return _result(_run(_IDS_SQL, arr).cast(pa.string()), empty)


TRUE_WORDS = ("yes", "y", "true", "t", "1", "x", "ja", "j", "oui", "si", "sí", "opted in", "opt-in", "opt in",
              "optin", "opted-in", "subscribed", "granted", "on", "✓", "✔", "consent", "consented", "agreed",
              "active", "1.0", "-1")
FALSE_WORDS = ("no", "n", "false", "f", "0", "nein", "non", "opted out", "opt-out", "opt out", "optout",
               "opted-out", "unsubscribed", "not subscribed", "denied", "off", "declined", "refused", "none",
               "-", "0.0", "inactive", "✗", "✘")


def parse_booleans(values) -> ParseResult:
    """yes/no, y/n, true/false, 1/0, opted in/out, subscribed/unsubscribed … (any case); others are errors."""
    arr = _as_array(values)
    trimmed = _trimmed(arr)
    empty = _empty_mask(trimmed)
    lowered = pc.utf8_lower(trimmed)
    is_true = pc.is_in(lowered, value_set=pa.array(TRUE_WORDS))
    is_false = pc.is_in(lowered, value_set=pa.array(FALSE_WORDS))
    parsed = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    return _result(parsed, empty)
