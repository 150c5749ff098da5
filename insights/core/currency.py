"""Currencies: amounts in different currencies are never added together.

A workspace reports money in one **reporting currency**: the owner's choice (:func:`set_reporting_currency`,
``settings --reporting-currency EUR``, the Upload page), else the currency most order lines are in (lines, not
amounts, decide: 1,000 JPY is less than 10 EUR). The owner may give a **rate table**
(:func:`set_rates`; ``settings --rate USD=0.92``, ``--rate USD:2024-01=0.93``, ``--rates rates.csv``): one unit of
a currency is worth ``rate`` of the reporting currency, for one month or for every month without its own rate.

The one place it happens: :func:`convert_lines` runs first in every mart build (``Workspace.build_marts_in``).
It resolves the rates in use (table ``reporting_rates``: per currency and month) and converts the lines.
``order_lines.source_revenue`` keeps each line's amount in its own currency; ``order_lines.revenue`` — which
every mart and query sums — becomes the amount in the reporting currency, and ``order_lines.rate`` the rate
used. A line in the reporting currency (or written without a currency) has rate 1 and keeps its amount to the
cent, so a single-currency workspace never changes. A line whose currency has no rate gets rate null and
revenue 0: it is left out of every money total, and :func:`currency_state` says how many lines, how much and in
which currency (the pages' revenue caption, ``ingest --json``, ``kpis --json``, the health report). A catalog's
unit cost in another currency is converted the same way in the mart ``line_margin``; without a rate the cost
is not known, and said (:attr:`CurrencyState.costs_left_out`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from insights.core.db import sql_text, table_exists
from insights.core.money import format_money

REPORTING_SETTING = "reporting_currency"
STATED_SETTING = "currency"          # the currency the owner said files without a currency column are in
_CODE = re.compile(r"^[A-Z]{3}$")
_RATE = re.compile(r"^\s*([A-Za-z]{3})\s*(?:[:@]\s*(\d{4})-(\d{1,2}))?\s*=\s*(\S+)\s*$")


def _sql(name: str) -> str:
    return sql_text(f"queries/core/currency/{name}.sql")


def _con(ws_or_con):
    return getattr(ws_or_con, "con", ws_or_con)


def _setting(con, key: str) -> str | None:
    rows = con.execute(_sql("setting"), {"key": "setting:" + key}).fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def currency_code(text) -> str:
    """``' eur '`` → ``'EUR'``; ValueError for anything that is not a three-letter code."""
    code = str(text or "").strip().upper()
    if not _CODE.match(code):
        raise ValueError(f"a currency is a three-letter code such as EUR or USD, not {text!r}")
    return code


def stated_currency(ws_or_con) -> str | None:
    """The currency the owner said amounts are in where a file does not say (the Upload page's question)."""
    value = _setting(_con(ws_or_con), STATED_SETTING)
    return value.strip().upper() if value else None


def chosen_currency(ws_or_con) -> str | None:
    """The reporting currency the owner chose, None when never chosen."""
    return _setting(_con(ws_or_con), REPORTING_SETTING)


def reporting_currency(ws_or_con) -> str | None:
    """The currency every money total is in: the owner's choice, else the one most order lines are in (a line
    without a currency counts as the stated one), else the stated one; None when nothing names a currency."""
    con = _con(ws_or_con)
    chosen = chosen_currency(con)
    if chosen:
        return chosen
    stated = stated_currency(con)
    rows = con.execute(_sql("reporting_default"), {"stated": stated}).fetchall()
    return rows[0][0] if rows else stated


def convert_lines(con) -> None:
    """Put every order line's revenue in the reporting currency (see the module's docstring). Runs inside the
    caller's transaction, first in every mart build; writes only lines whose figures change."""
    con.execute(_sql("resolve_delete"))
    con.execute(_sql("resolve_insert"), {"reporting": reporting_currency(con), "stated": stated_currency(con)})
    if con.execute(_sql("all_at_par")).fetchall()[0][0]:
        return          # one currency: new lines were staged at rate 1 with their own amount, nothing changes
    con.execute(_sql("fill_source"))
    con.execute(_sql("convert_lines"))


# ----- the owner's choices ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """One unit of ``currency`` is worth ``rate`` of the reporting currency (in ``month``, or every month)."""
    currency: str
    rate: Decimal
    month: dt.date | None = None

    def to_dict(self) -> dict:
        return {"currency": self.currency, "rate": float(self.rate),
                "month": self.month.strftime("%Y-%m") if self.month else None}


def _rate_value(text, where: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{where}: a rate is a number such as 0.92, not {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{where}: a rate must be above 0, not {text!r}")
    return value


def _month(year: str, month: str, where: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"{where}: {year}-{month} is not a month (write YYYY-MM)") from None


def parse_rate(text: str) -> Rate:
    """``USD=0.92`` (every month) or ``USD:2024-01=0.93`` (that month) → :class:`Rate`; ValueError in words."""
    found = _RATE.match(text or "")
    if not found:
        raise ValueError(f"write a rate as USD=0.92 or USD:2024-01=0.93, not {text!r}")
    code, year, month, value = found.groups()
    return Rate(currency_code(code), _rate_value(value, text),
                _month(year, month, text) if year else None)


def read_rates_file(path: Path | str) -> list[Rate]:
    """A rates file: a header with ``currency`` and ``rate`` columns and optionally ``month`` (``2024-01``), one
    rate a row, comma- or semicolon-separated. ValueError naming the file, the row and what was expected."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    if "currency" not in columns or "rate" not in columns:
        raise ValueError(f"{path.name}: expected a header with the columns currency and rate (and optionally "
                         f"month), found {', '.join(reader.fieldnames or []) or 'no header'}")
    rates = []
    for number, row in enumerate(reader, start=2):
        where = f"{path.name}, row {number}"
        cells = {k: (row.get(c) or "").strip() for k, c in columns.items()}
        if not any(cells.values()):
            continue
        try:
            code = currency_code(cells["currency"])
        except ValueError as exc:
            raise ValueError(f"{where}, column currency: {exc}") from None
        month = None
        if cells.get("month"):
            found = re.match(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$", cells["month"])
            if not found:
                raise ValueError(f"{where}, column month: write the month as YYYY-MM, not {cells['month']!r}")
            month = _month(found.group(1), found.group(2), where)
        rates.append(Rate(code, _rate_value(cells["rate"], f"{where}, column rate"), month))
    return rates


def rates(ws_or_con) -> list[Rate]:
    """The owner's rate table."""
    return [Rate(c, Decimal(r), m) for c, m, r in _con(ws_or_con).execute(_sql("rates")).fetchall()]


def _save(ws, reporting: str | None, new_rates: list[Rate], remove: list[Rate]) -> None:
    with ws.transaction() as con:
        if reporting is not None:
            con.execute(_sql("setting_delete"), {"key": "setting:" + REPORTING_SETTING})
            if reporting:
                con.execute(_sql("setting_insert"), {"key": "setting:" + REPORTING_SETTING, "value": reporting})
        for rate in remove + new_rates:
            con.execute(_sql("rate_delete"), {"currency": rate.currency, "month": rate.month})
        for rate in new_rates:
            con.execute(_sql("rate_insert"), {"currency": rate.currency, "month": rate.month, "rate": rate.rate})
        ws.build_marts_in(con)          # converts the lines first: every mart follows


def set_reporting_currency(ws, currency: str | None) -> str | None:
    """Choose the reporting currency (``""``/None: back to the default) and rebuild the marts."""
    code = currency_code(currency) if currency else ""
    _save(ws, code, [], [])
    return code or None


def set_rates(ws, new_rates: list[Rate], remove: list[Rate] = ()) -> list[Rate]:
    """Add or replace rates (and remove ``remove``'s currency-months), then rebuild the marts."""
    _save(ws, None, list(new_rates), list(remove))
    return rates(ws)


# ----- what the owner is told ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CurrencyLines:
    """The order lines of one currency: amount in its own currency; what reaches the totals; what is left out."""
    currency: str | None
    lines: int
    orders: int
    amount: Decimal
    reported: Decimal
    left_out_lines: int
    left_out_orders: int
    left_out_amount: Decimal
    min_rate: Decimal | None
    max_rate: Decimal | None

    def to_dict(self) -> dict:
        return {"currency": self.currency, "order_lines": self.lines, "orders": self.orders,
                "net_revenue": float(self.amount), "in_reporting_currency": float(self.reported),
                "rate": float(self.min_rate) if self.min_rate is not None and self.min_rate == self.max_rate
                else None,
                "left_out_lines": self.left_out_lines, "left_out_orders": self.left_out_orders,
                "left_out_amount": float(self.left_out_amount)}


@dataclass(frozen=True)
class CostsLeftOut:
    """Catalog unit costs in a currency without a rate: the product lines whose cost is therefore not known."""
    currency: str | None
    products: int
    lines: int

    def to_dict(self) -> dict:
        return {"currency": self.currency, "products": self.products, "order_lines": self.lines}


@dataclass(frozen=True)
class CurrencyState:
    reporting: str | None
    chosen: bool
    by_currency: list[CurrencyLines] = field(default_factory=list)
    costs_left_out: list[CostsLeftOut] = field(default_factory=list)

    @property
    def left_out(self) -> list[CurrencyLines]:
        return [c for c in self.by_currency if c.left_out_lines]

    @property
    def converted(self) -> list[CurrencyLines]:
        return [c for c in self.by_currency if c.currency != self.reporting and c.lines > c.left_out_lines]

    def sentence(self) -> str:
        """One line for every page that sums money; empty for a single-currency workspace."""
        parts = []
        for c in self.converted:
            rate = (f"at {c.min_rate.normalize():f}" if c.min_rate == c.max_rate
                    else f"at {c.min_rate.normalize():f}–{c.max_rate.normalize():f} by month")
            parts.append(f"{c.lines - c.left_out_lines:,} order lines in {c.currency} are converted to "
                         f"{self.reporting} {rate}.")
        for c in self.left_out:
            parts.append(f"{c.left_out_lines:,} order lines in {c.currency} "
                         f"({format_money(c.left_out_amount, c.currency, 2)}, {c.left_out_orders:,} orders) are "
                         f"left out of money totals: no rate to {self.reporting}. Give one on the Upload page.")
        for c in self.costs_left_out:
            parts.append(f"Catalog unit costs of {c.products:,} products ({c.lines:,} order lines) are in "
                         f"{c.currency} with no rate to {self.reporting}: their cost is not known.")
        if not parts:
            return ""
        return f"Money in {self.reporting}. " + " ".join(parts)

    def to_dict(self) -> dict:
        return {"reporting_currency": self.reporting, "chosen": self.chosen,
                "currencies": [c.to_dict() for c in self.by_currency],
                "left_out": [{"currency": c.currency, "order_lines": c.left_out_lines, "orders": c.left_out_orders,
                              "amount": float(c.left_out_amount)} for c in self.left_out],
                "costs_left_out": [c.to_dict() for c in self.costs_left_out],
                "note": self.sentence()}


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def currency_state(ws_or_con) -> CurrencyState:
    """The reporting currency and, per currency of the order lines, what is converted and what is left out."""
    con = _con(ws_or_con)
    reporting = reporting_currency(con)
    params = {"reporting": reporting, "stated": stated_currency(con)}
    rows = con.execute(_sql("summary"), params).fetchall()
    # a workspace whose marts were never built has no product_catalog yet
    costs = con.execute(_sql("costs_left_out"), params).fetchall() if table_exists(con, "product_catalog") else []
    return CurrencyState(reporting, chosen_currency(con) is not None, [
        CurrencyLines(c, n, o, Decimal(a), Decimal(r), ln, lo, Decimal(la), _decimal(lo_r), _decimal(hi_r))
        for c, n, o, a, r, ln, lo, la, lo_r, hi_r in rows], [CostsLeftOut(*row) for row in costs])


def left_out_by_period(ws_or_con, period: str) -> dict[str, list[dict]]:
    """Per period (``week``/``month``/``quarter``, keyed by its first day as ``YYYY-MM-DD``) the order lines left
    out of its money totals for want of a rate: ``[{"currency", "order_lines", "amount"}]``."""
    if period not in ("week", "month", "quarter"):
        raise ValueError(f"period must be week, month or quarter, not {period!r}")
    con = _con(ws_or_con)
    out: dict[str, list[dict]] = {}
    for start, code, lines, amount in con.execute(_sql("left_out_by_period"), {
            "period": period, "reporting": reporting_currency(con), "stated": stated_currency(con)}).fetchall():
        out.setdefault(start.isoformat(), []).append({"currency": code, "order_lines": lines,
                                                      "amount": float(amount)})
    return out


def written_currency(ws_or_con) -> str | None:
    """The currency most order lines write (None when no line names one), whatever the owner chose or stated."""
    rows = _con(ws_or_con).execute(_sql("reporting_default"), {"stated": None}).fetchall()
    return rows[0][0] if rows else None
