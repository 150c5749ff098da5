"""Dates: how a column writes them (:func:`detect_date_format`), then every cell read that way (:func:`parse_dates`).

ISO (``2024-03-31``, ``T`` or space, times, fractions, a time zone — dropped: timestamps are naive local time),
day-first or month-first with ``/ . -`` separators and 2- or 4-digit years, times with or without seconds and
AM/PM, ``31 Mar 2024``, ``yyyymmdd`` (CDNOW's ``19970101``), Excel serial numbers (``45000`` → 2023-03-15, only
when the whole column is such numbers in 1954–2099, or as stray cells of a text-date column) and Unix seconds,
milliseconds and microseconds (GA4's ``event_timestamp``). The day/month order is decided per column:
a first field above 12 means day-first, a second field above 12 means month-first; when no value decides, the
order is ``'ambiguous'`` — read day-first unless :meth:`DateFormat.with_order` says otherwise, and the caller asks
the owner. Excel serials count from 1899-12-30 (Excel's 1900 leap-year bug included, as Excel shows them). An
impossible date (31/02/2024) is an error, not 2 March.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.values.column import (ParseResult, as_array, empty_mask, make_result, run_sql, spread_sample,
                                           trimmed_text)

TIMESTAMP = pa.timestamp("us")

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
    unit: str = ""
    serials: bool = False       # some cells of a text-date column are Excel date numbers (read as such)

    @property
    def label(self) -> str:
        """The format as an owner reads it (``dd-Mon-yy``, ``yyyy-mm-dd hh:mm:ss``, ``Unix microseconds``)."""
        if self.order == "unix":
            return f"Unix {self.unit or 'seconds'}"
        if self.order == "excel-serial":
            return "Excel date numbers"
        if not self.formats:
            return "unknown" if self.order == "unknown" else "yyyy-mm-dd"
        return " or ".join([_human(f) for f in self.formats[:3]] + (["Excel date numbers"] if self.serials else []))

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
        formats = [f if f.startswith("%Y") else re.sub(r"%[dm]", lambda m: swap[m.group(0)], f)
                   for f in self.formats]
        return replace(self, order=order, formats=formats, default_order=order)


_TIME = r"(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_TZ = r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + _TZ + "$")
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + "$")
_COMPACT = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_UNIX = re.compile(r"^\d{10}(\d{3}|\d{6})?$")
_UNIX_UNITS = {10: "seconds", 13: "milliseconds", 16: "microseconds"}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_NAMED_DMY = re.compile(r"^(\d{1,2})([ \-])(" + _MONTHS + r")[a-z]*\.?\2(\d{4}|\d{2})" + _TIME + "$", re.I)
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
    """How a column writes dates, from (a spread sample of) its values. Never raises on odd values. A column of
    text dates where some cells are Excel date numbers (``43312``: cells Excel turned into numbers, or pasted
    from another sheet) is read in its text format, those cells as Excel dates (``serials``)."""
    values = spread_sample(sample)
    fmt = _detect(values, sample)
    if fmt.formats and fmt.order in ("ymd", "dmy", "mdy", "ambiguous"):
        serials = [v for v in values if _SERIAL.match(v) and SERIAL_RANGE[0] <= float(v) <= SERIAL_RANGE[1]]
        if serials:
            fmt = replace(fmt, serials=True, share=min(1.0, fmt.share + len(serials) / len(values)))
    return fmt


def _detect(values: list[str], sample) -> DateFormat:
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
        has_time = any(m.group(5) is not None for _, m in iso)
        if not dmy:
            return DateFormat("ymd", formats, has_time, share=len(iso) / n)
        # text cells in a column of real dates (an Excel date column where some cells were typed as text):
        # read them too, in the day/month order their own values show
        order, text_formats, text_time = _day_month(dmy, sample)
        return DateFormat("ambiguous" if order == "ambiguous" else "ymd", formats + text_formats,
                          has_time or text_time, share=(len(iso) + len(dmy)) / n)
    if len(dmy) >= 0.5 * n:
        order, formats, has_time = _day_month(dmy, sample)
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
            lengths = {len(v) for v in values}
            unit = _UNIX_UNITS[lengths.pop()] if len(lengths) == 1 else "seconds, milliseconds or microseconds"
            return DateFormat("unix", [], True, unit=unit)
    named_dmy = [(v, m) for v, m in ((v, _NAMED_DMY.match(v)) for v in values) if m]
    named_mdy = [(v, m) for v, m in ((v, _NAMED_MDY.match(v)) for v in values) if m]
    if len(named_dmy) >= 0.5 * n:
        formats = []
        for v, m in named_dmy:
            sep, month = m.group(2), m.group(3)
            word = v[m.start(3):m.end(3) + len(v[m.end(3):].split(sep)[0])]
            year = "%Y" if len(m.group(4)) == 4 else "%y"
            _add(formats, f"%d{sep}{'%B' if len(word.rstrip('.')) > 3 else '%b'}{sep}{year}" + _time_format(m, 5, v))
        return DateFormat("dmy", formats, any(m.group(5) for _, m in named_dmy), share=len(named_dmy) / n)
    if len(named_mdy) >= 0.5 * n:
        formats = []
        for v, m in named_mdy:
            word = v.split(" ")[0].rstrip(".")
            comma = "," if "," in v[:v.rfind(m.group(3))] else ""
            _add(formats, f"{'%B' if len(word) > 3 else '%b'} %d{comma} %Y" + _time_format(m, 4, v))
        return DateFormat("mdy", formats, any(m.group(4) for _, m in named_mdy), share=len(named_mdy) / n)
    return DateFormat("unknown", [], share=0.0)


def _day_month(dmy: list, column) -> tuple[str, list[str], bool]:
    """(order, strptime formats, has a time) of the ``d/m/y``-like values ``dmy`` (matches of ``_DMY``).
    A first field above 12 means day-first, a second above 12 month-first; when the sample does not tell,
    every cell of ``column`` is looked at (one vectorised pass) before the order is called ambiguous."""
    firsts = [int(m.group(1)) for _, m in dmy]
    seconds = [int(m.group(3)) for _, m in dmy]
    day_first = sum(1 for x in firsts if x > 12)
    month_first = sum(1 for x in seconds if x > 12)
    if not (day_first or month_first) and not isinstance(column, (list, tuple)):
        day_first, month_first = _order_evidence(column)
    if day_first or month_first:
        order = "dmy" if day_first >= month_first else "mdy"
    elif all(a == b for a, b in zip(firsts, seconds)):
        order = "dmy"      # 01/01, 02/02 …: either reading gives the same date
    else:
        order = "ambiguous"
    first, second = ("%m", "%d") if order == "mdy" else ("%d", "%m")
    formats: list[str] = []
    for v, m in dmy:
        sep = m.group(2)
        year = "%Y" if len(m.group(4)) == 4 else "%y"
        _add(formats, f"{first}{sep}{second}{sep}{year}" + _time_format(m, 5, v))
    return order, formats, any(m.group(5) is not None for _, m in dmy)


def _order_evidence(column) -> tuple[int, int]:
    """(cells whose first field is above 12, cells whose second is) over every ``d/m/y`` cell of ``column``."""
    parts = pc.extract_regex(trimmed_text(as_array(column)), r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-]\d{2,4}")
    counts = []
    for name in ("a", "b"):
        field_values = pc.cast(pc.struct_field(parts, name), pa.int32())
        counts.append(int(pc.sum(pc.greater(field_values, 12)).as_py() or 0))
    return counts[0], counts[1]


_HUMAN = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy", "%b": "Mon", "%B": "Month", "%H": "hh", "%I": "hh",
          "%M": "mm", "%S": "ss", "%f": "fff", "%p": "AM/PM"}


def _human(fmt: str) -> str:
    return re.sub(r"%[a-zA-Z]", lambda m: _HUMAN.get(m.group(0), m.group(0)), fmt)


_ID_HEADER = re.compile(r"(?:^|[\s_\-.#])(?:id|ID|Id)(?:$|[\s_\-.#])|^(?:id|ID)[A-Z]|[a-z](?:Id|ID)$")


def numbered_ids(header: str, fmt: DateFormat) -> bool:
    """True when a column whose numbers could pass for dates (Excel serials, Unix times) is named as an id
    (Matomo's ``idVisit`` = 48000, ``visit_id``, ``Order ID``): its numbers count things, they are not dates."""
    return fmt.order in ("excel-serial", "unix") and bool(_ID_HEADER.search(str(header or "").strip()))


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


def parse_dates(values, fmt: DateFormat | None) -> ParseResult:
    """Timestamps (``pa.timestamp('us')``, naive local time; a written time zone is dropped). An ambiguous
    format reads as its ``default_order`` (day-first unless said otherwise). Impossible dates are errors."""
    arr = as_array(values)
    trimmed = trimmed_text(arr)
    empty = empty_mask(trimmed)
    if fmt is None:
        fmt = detect_date_format(arr)
    text = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), trimmed) if empty.any() else trimmed
    if fmt.order == "excel-serial":
        parsed = run_sql("dates_excel_serial.sql", text, {"lo": float(SERIAL_RANGE[0]), "hi": float(SERIAL_RANGE[1])})
    elif fmt.order == "unix":
        parsed = run_sql("dates_unix.sql", text)
    else:
        formats = [f for f in fmt.formats if "%s" not in f] or ["%Y-%m-%d"]
        if any("%p" in f for f in formats):
            text = pc.replace_substring_regex(text, r"([AaPp])\.?[Mm]\.?$", r"\1M")
        if pc.any(pc.fill_null(pc.match_substring_regex(text, _TZ_SUFFIX), False)).as_py():
            text = pc.replace_substring_regex(text, _TZ_SUFFIX, r"\1")
        parsed = run_sql("dates_strptime.sql", text, {"formats": formats, "iso": _ISO_SQL_RE,
                                                      "lo": float(SERIAL_RANGE[0]), "hi": float(SERIAL_RANGE[1])})
    return make_result(parsed.cast(TIMESTAMP), empty)
