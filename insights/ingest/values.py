"""Turning text cells into dates, amounts, ids and yes/no — decided per column from the data, vectorised.

Every parser returns a :class:`ParseResult`: the typed values, an ``errors`` mask (a non-empty cell that
could not be read) and an ``empty`` mask. Nothing is guessed silently: an impossible date (31/02/2024)
is an error, not 2 March; an amount keeps its cents exactly (DECIMAL(18,4), never a float).

Dates: ISO (``2024-03-31``, with ``T`` or a space and times), day-first or month-first with ``/ . -``
separators and 2- or 4-digit years, times with AM/PM, ``yyyymmdd`` and Excel serial numbers. The day/month
order is decided per column: a first field above 12 means day-first, a second field above 12 means
month-first; when no value decides, the column is *ambiguous* — day-first by default, and the caller asks.

Amounts: ``1,234.56``, ``1.234,56``, ``1 234,56``, ``€12.50``, ``12,50 €``, ``GBP 12``, ``(12.00)`` and
``12-`` for negatives, ``1e3``. Decimal comma or point is decided per column from the values that show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SAMPLE_SIZE = 5000

# ----- shared ---------------------------------------------------------------------------------------------


@dataclass
class ParseResult:
    values: pa.Array
    errors: np.ndarray
    empty: np.ndarray


def _as_array(column) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not isinstance(column, pa.Array):
        column = pa.array(list(column), pa.string())
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    return column


def _empty_mask(arr: pa.Array) -> np.ndarray:
    empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(arr), ""), True)
    return empty.to_numpy(zero_copy_only=False).astype(bool)


def _sample(arr: pa.Array, n: int = SAMPLE_SIZE) -> list[str]:
    trimmed = pc.utf8_trim_whitespace(arr)
    filled = trimmed.filter(pc.fill_null(pc.not_equal(trimmed, ""), False))
    if len(filled) > n:
        idx = np.unique(np.linspace(0, len(filled) - 1, n).astype(np.int64))
        filled = filled.take(pa.array(idx))
    return [v for v in filled.to_pylist() if v is not None]


def _run(sql: str, arr: pa.Array, params=None) -> pa.Array:
    """Run ``sql`` over a one-column table ``t(v)`` on a private in-memory DuckDB connection."""
    con = duckdb.connect()
    try:
        con.register("t", pa.table({"v": arr}))
        out = con.sql(sql, params=params or None).to_arrow_table()
    finally:
        con.close()
    if isinstance(out, pa.RecordBatchReader):
        out = out.read_all()
    col = out.column(0)
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _result(values: pa.Array, empty: np.ndarray) -> ParseResult:
    missing = values.is_null().to_numpy(zero_copy_only=False).astype(bool)
    return ParseResult(values, missing & ~empty, empty)


# ----- dates ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DateFormat:
    """How one column writes its dates: strptime formats tried in order, and the day/month order."""
    formats: tuple[str, ...]
    order: str                      # 'ymd', 'dmy', 'mdy', 'compact', 'excel-serial'
    ambiguous: bool = False
    has_time: bool = False

    def with_order(self, order: str) -> "DateFormat":
        """Resolve an ambiguous day/month column to 'dmy' or 'mdy'."""
        if order not in ("dmy", "mdy") or self.order not in ("dmy", "mdy"):
            return self
        if order == self.order:
            return replace(self, ambiguous=False)
        swap = {"%d": "%m", "%m": "%d"}
        formats = tuple(re.sub(r"%[dm]", lambda m: swap[m.group(0)], f) for f in self.formats)
        return DateFormat(formats, order, False, self.has_time)

    @property
    def example(self) -> str:
        return {"ymd": "2024-03-31", "dmy": "31/03/2024", "mdy": "03/31/2024", "compact": "20240331",
                "excel-serial": "45382 (an Excel date number)"}.get(self.order, "2024-03-31")


_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:([T ])(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
_COMPACT = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_MONTH_NAME = re.compile(r"^\d{1,2}[ \-](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ \-,]+\d{4}", re.I)


def _iso_formats(sample: list[str]) -> tuple[str, ...]:
    formats = []
    for v in sample:
        m = _ISO.match(v)
        if not m:
            continue
        sep = "-" if "-" in v[:8] else "/"
        date = f"%Y{sep}%m{sep}%d"
        if m.group(4) is None:
            f = date
        else:
            f = date + ("T" if m.group(4) == "T" else " ") + "%H:%M" + (":%S" if m.group(7) else "") + \
                (".%f" if m.group(8) else "")
        if f not in formats:
            formats.append(f)
    return tuple(formats)


def _dmy_formats(sample: list[str], order: str) -> tuple[str, ...]:
    formats = []
    for v in sample:
        m = _DMY.match(v)
        if not m:
            continue
        sep, year = m.group(2), "%Y" if len(m.group(4)) == 4 else "%y"
        first, second = ("%d", "%m") if order == "dmy" else ("%m", "%d")
        f = f"{first}{sep}{second}{sep}{year}"
        if m.group(5) is not None:
            between = v[len(f"{m.group(1)}{sep}{m.group(3)}{sep}{m.group(4)}"):]
            joiner = "T" if between.startswith("T") else ", " if between.startswith(", ") else " "
            if m.group(8):
                f += joiner + "%I:%M" + (":%S" if m.group(7) else "") + " %p"
            else:
                f += joiner + "%H:%M" + (":%S" if m.group(7) else "")
        if f not in formats:
            formats.append(f)
    return tuple(formats)


def detect_date_format(column) -> DateFormat | None:
    """How the column writes dates, from a sample of its values; None when no value looks like a date."""
    sample = _sample(_as_array(column))
    if not sample:
        return None
    n = len(sample)
    iso = sum(bool(_ISO.match(v)) for v in sample)
    dmy_matches = [m for m in (_DMY.match(v) for v in sample) if m]
    compact = sum(bool(_COMPACT.match(v)) for v in sample)
    serial = [float(v) for v in sample if _SERIAL.match(v)]
    if iso >= 0.5 * n:
        formats = _iso_formats(sample)
        return DateFormat(formats, "ymd", False, any("%H" in f for f in formats))
    if len(dmy_matches) >= 0.5 * n:
        firsts = [int(m.group(1)) for m in dmy_matches]
        seconds = [int(m.group(3)) for m in dmy_matches]
        has_time = any(m.group(5) is not None for m in dmy_matches)
        if any(x > 12 for x in firsts):
            return DateFormat(_dmy_formats(sample, "dmy"), "dmy", False, has_time)
        if any(x > 12 for x in seconds):
            return DateFormat(_dmy_formats(sample, "mdy"), "mdy", False, has_time)
        if all(a == b for a, b in zip(firsts, seconds)):
            return DateFormat(_dmy_formats(sample, "dmy"), "dmy", False, has_time)
        return DateFormat(_dmy_formats(sample, "dmy"), "dmy", True, has_time)
    if compact >= 0.9 * n:
        return DateFormat(("%Y%m%d",), "compact")
    if len(serial) == n and all(20000 <= s <= 80000 for s in serial):
        return DateFormat((), "excel-serial", False, any(s % 1 for s in serial))
    if sum(bool(_MONTH_NAME.match(v)) for v in sample) >= 0.5 * n:
        return DateFormat(("%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%d-%B-%Y", "%d %b, %Y"), "dmy")
    return None


def date_share(values: list[str]) -> float:
    """Share of the values that look like dates (for recognising a column by its content)."""
    if not values:
        return 0.0
    return sum(bool(_ISO.match(v) or _DMY.match(v) or _COMPACT.match(v) or _MONTH_NAME.match(v))
               for v in values) / len(values)


def parse_dates(column, fmt: DateFormat | None) -> ParseResult:
    """Timestamps (``pa.timestamp('us')``, naive local time); time zones, when written, are dropped."""
    arr = _as_array(column)
    empty = _empty_mask(arr)
    if fmt is None:
        return ParseResult(pa.nulls(len(arr), pa.timestamp("us")), ~empty, empty)
    if fmt.order == "excel-serial":
        values = _run("select (timestamp '1899-12-30' + to_microseconds(cast(round(try_cast(trim(v) as double) "
                      "* 86400000000) as bigint)))::timestamp from t", arr)
        return _result(values.cast(pa.timestamp("us")), empty)
    formats = list(fmt.formats)
    if fmt.order == "ymd":
        # time zones: dropped (naive local time); 'T' or space both accepted
        sql = ("select coalesce(try_strptime(x, $formats), try_cast(x as timestamp)) from "
               "(select regexp_replace(trim(v), '(Z|[+-]\\d{2}:?\\d{2})$', '') as x from t)")
        values = _run(sql, arr, {"formats": formats})
    else:
        values = _run("select try_strptime(trim(v), $formats) from t", arr, {"formats": formats})
    values = values.cast(pa.timestamp("us"))
    return _result(values, empty)


# ----- numbers --------------------------------------------------------------------------------------------
_CURRENCY = re.compile(r"(R\$|[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|BRL|JPY|SEK|DKK|NOK|PLN|AUD|CAD|INR)\b)", re.I)
_CURRENCY_SQL = r"(R\$|[€$£¥₹]|(EUR|USD|GBP|CHF|BRL|JPY|SEK|DKK|NOK|PLN|AUD|CAD|INR|eur|usd|gbp|chf|brl))"
_SPACES_SQL = "[\\s\u00a0\u2009\u202f']"


@dataclass(frozen=True)
class NumberFormat:
    decimal: str = "."
    thousands: str | None = ","
    currencies: tuple[str, ...] = ()


def detect_number_format(column) -> NumberFormat:
    """Decimal comma or point from the values that show it; the currency symbols or codes seen."""
    sample = _sample(_as_array(column))
    comma_votes = point_votes = 0
    currencies: list[str] = []
    for v in sample:
        for m in _CURRENCY.finditer(v):
            code = m.group(0).upper()
            if code not in currencies:
                currencies.append(code)
        digits = re.sub(r"[^\d.,]", "", v)
        if "," in digits and "." in digits:
            if digits.rfind(",") > digits.rfind("."):
                comma_votes += 1
            else:
                point_votes += 1
        elif "," in digits:
            parts = digits.split(",")
            if len(parts) == 2 and len(parts[1]) != 3:
                comma_votes += 1
            elif len(parts) > 2:
                point_votes += 1  # 1,234,567: commas group thousands
        elif "." in digits:
            parts = digits.split(".")
            if len(parts) == 2 and len(parts[1]) != 3:
                point_votes += 1
            elif len(parts) > 2:
                comma_votes += 1  # 1.234.567: points group thousands
    if comma_votes > point_votes:
        return NumberFormat(",", ".", tuple(currencies))
    return NumberFormat(".", ",", tuple(currencies))


def parse_numbers(column, fmt: NumberFormat | None = None) -> ParseResult:
    """Exact decimals (``pa.decimal128(18, 4)``); currency symbols, spaces and thousands separators removed."""
    arr = _as_array(column)
    fmt = fmt or detect_number_format(arr)
    empty = _empty_mask(arr)
    fast = _plain_decimals(arr, empty, fmt)
    if fast is not None:
        return _result(fast, empty)
    thousands = "." if fmt.decimal == "," else ","
    sql = f"""
        with cleaned as (
            select regexp_replace(regexp_replace(trim(v), $currency, '', 'g'), $spaces, '', 'g') as s from t
        ), signed as (
            select case
                when regexp_matches(s, '^\\(.*\\)$') then '-' || substr(s, 2, length(s) - 2)
                when regexp_matches(s, '^[^-]+-$') then '-' || substr(s, 1, length(s) - 1)
                else s end as s
            from cleaned
        ), plain as (
            select replace(replace(s, $thousands, ''), $decimal, '.') as s from signed
        )
        select case when regexp_matches(s, '^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$')
                    then try_cast(s as decimal(18, 4)) end
        from plain"""
    values = _run(sql, arr, {"currency": _CURRENCY_SQL, "spaces": _SPACES_SQL, "thousands": thousands,
                             "decimal": fmt.decimal})
    return _result(values.cast(pa.decimal128(18, 4)), empty)


def _plain_decimals(arr: pa.Array, empty: np.ndarray, fmt: NumberFormat) -> pa.Array | None:
    """Fast path: when every filled cell is a plain number ("-12.5", "3"), Arrow casts it exactly."""
    plain = r"^\s*-?\d{1,14}(\.\d{1,4})?\s*$" if fmt.decimal == "." else r"^\s*-?\d{1,14}\s*$"
    ok = pc.fill_null(pc.match_substring_regex(arr, plain), False).to_numpy(zero_copy_only=False)
    if not (ok | empty).all():
        return None
    text = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), pc.utf8_trim_whitespace(arr))
    return pc.cast(text, pa.decimal128(18, 4))


# ----- ids and yes/no -------------------------------------------------------------------------------------
def parse_ids(column) -> ParseResult:
    """Ids as text: trimmed, leading zeros kept, ``17850.0`` → ``17850``, ``1.785E+04`` → ``17850`` when exact."""
    arr = _as_array(column)
    empty = _empty_mask(arr)
    if not pc.any(pc.match_substring_regex(arr, r"^\s|\s$|\.0+$|^\d(\.\d+)?[eE]")).as_py():
        # nothing to tidy: the text is the id (empty cells become null)
        values = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), arr)
        return ParseResult(values, np.zeros(len(arr), dtype=bool), empty)
    sql = r"""
        select case
            when x = '' then null
            when regexp_matches(x, '^-?\d+\.0+$') then regexp_replace(x, '\.0+$', '')
            when regexp_matches(x, '^\d(\.\d+)?[eE]\+?\d+$')
                 and try_cast(x as double) = floor(try_cast(x as double))
                 and try_cast(x as double) < 1e15
                then cast(cast(try_cast(x as double) as hugeint) as varchar)
            else x end
        from (select trim(v) as x from t)"""
    values = _run(sql, arr)
    return ParseResult(values.cast(pa.string()), np.zeros(len(arr), dtype=bool), empty)


TRUE_WORDS = ("yes", "y", "true", "t", "1", "x", "ja", "j", "oui", "si", "sí", "opted in", "opt-in", "opt in",
              "optin", "subscribed", "granted", "on", "✓", "✔", "consent", "consented", "agreed")
FALSE_WORDS = ("no", "n", "false", "f", "0", "nein", "non", "opted out", "opt-out", "opt out", "optout",
               "unsubscribed", "not subscribed", "denied", "off", "declined", "refused", "none", "-")


def parse_booleans(column) -> ParseResult:
    arr = _as_array(column)
    empty = _empty_mask(arr)
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
    is_true = pc.is_in(lowered, value_set=pa.array(TRUE_WORDS))
    is_false = pc.is_in(lowered, value_set=pa.array(FALSE_WORDS))
    values = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    values = pc.if_else(pa.array(empty), pa.scalar(None, pa.bool_()), values)
    return _result(values, empty)
