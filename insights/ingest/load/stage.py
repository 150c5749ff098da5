"""One prepared file parsed into typed columns (:class:`Staged`): every mapped field through :func:`parse_field`,
phone numbers in E.164, a customer row's unmapped columns as JSON, and what a line file lacks derived (one order
per customer and day without order numbers, one item per row without quantities, the order header from an orders
table of the same upload)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.mapping.fields import FIELDS
from insights.ingest.load.consent import file_consent
from insights.ingest.load.identity import normalise_phone
from insights.ingest.load.parse import ARROW_TYPES, field_type, parse_field
from insights.ingest.load.report import FileReport
from insights.ingest.load.rules import CHECKS
from insights.ingest.load.spend import derive_spend
from insights.ingest.load.vendor_rows import derive, fill_from


def _null_mask(values: pa.Array) -> np.ndarray:
    return values.is_null().to_numpy(zero_copy_only=False)


@dataclass
class Staged:
    """One file's typed columns (``f_<field>``), its unreadable-value masks and, once classified, each row's fate."""
    n: int
    rows: np.ndarray                                   # the row number a spreadsheet shows
    columns: dict[str, pa.Array]
    bad: dict[str, np.ndarray]
    state: np.ndarray | None = None                    # KEEP / REJECTED / SET_ASIDE per row
    check: np.ndarray | None = None                    # index into the checks of the first failing one, -1
    aside: list[tuple[int, str]] = field(default_factory=list)   # (row index, reason)
    checks: list[tuple] | None = None                  # the checks ``check`` indexes (rules' and bad values')
    identical: list[tuple[int, int]] = field(default_factory=list)   # kept (row index, row it repeats)
    hash_hi: pa.Array | None = None
    hash_lo: pa.Array | None = None
    attributes: pa.Table | None = None                 # order/line attributes of the kept rows (load.attributes)
    preset_aside: dict[int, str] = field(default_factory=dict)  # row index -> reason, decided by a vendor rule

    def null(self, fld: str) -> np.ndarray:
        return _null_mask(self.columns[f"f_{fld}"])


def stage(plan, report: FileReport, order_headers) -> Staged:
    """``plan``'s rows as typed columns; a line file lacking order headers takes them from ``order_headers``
    (:class:`~insights.ingest.load.order_headers.OrderHeaders`, the orders tables of this upload)."""
    raw = plan.raw
    data = raw.data
    n, kind = data.num_rows, plan.kind
    rows = np.asarray(raw.source_rows, dtype=np.int64) if raw.source_rows is not None else np.arange(2, n + 2)
    # chunked as read (a file parsed on several cores comes in blocks): parse_field takes either
    raw_columns = [data.column(i) if data.column(i).num_chunks != 1 else data.column(i).chunk(0)
                   for i in range(data.num_columns)]
    columns: dict[str, pa.Array] = {}
    bad: dict[str, np.ndarray] = {}
    for fld in FIELDS[kind]:
        idx = plan.mapping.get(fld)
        typ = field_type(fld)
        if idx is None:
            columns[f"f_{fld}"] = pa.nulls(n, ARROW_TYPES[typ])
            bad[fld] = np.zeros(n, dtype=bool)
            continue
        values, unreadable, empty = parse_field(fld, raw_columns[idx], plan.date_formats.get(fld))
        if getattr(plan, "fallbacks", {}).get(fld):
            others = plan.fallbacks[fld]
            values, filled = fill_from(values, [parse_field(fld, raw_columns[j])[0] for j in others])
            if filled:
                cells = "cell" if filled == 1 else "cells"
                report.notes.append(f"{filled:,} empty {cells} of “{plan.columns[idx]}” taken from "
                                    + ", ".join(f"“{plan.columns[j]}”" for j in others) + ".")
        if fld == "phone":
            values = _phones(values, plan, raw_columns)
        columns[f"f_{fld}"] = values
        bad[fld] = unreadable & ~empty
        count = int(bad[fld].sum())
        if count and not any(fld == c[0] for c in CHECKS[kind]):
            first = np.flatnonzero(bad[fld])[:3]
            cells = raw_columns[idx].take(pa.array(first)).to_pylist()
            expected = f" (expected {plan.date_formats[fld].label})" if typ == "date" and hasattr(
                plan.date_formats.get(fld), "label") else ""
            report.notes.append(
                f"{count:,} values in column “{plan.columns[idx]}” could not be read as "
                f"{'dates' if typ == 'date' else 'numbers' if typ == 'number' else 'yes/no'}{expected} "
                "and were left empty (the rows are loaded): "
                + ", ".join(f"row {rows[i]:,} “{v}”" for i, v in zip(first, cells)) + (" …" if count > 3 else ""))
    if kind == "customers":
        columns["_attributes"] = pa.array(_attributes(plan, data), pa.string())
        file_consent(plan, report, columns, n)
    staged = Staged(n, rows, columns, bad)
    derive(plan, report, staged, raw_columns, order_headers)
    if kind == "transactions" and plan.role != "payments":
        _derive_transactions(plan, report, staged, order_headers)
    if kind == "spend":
        derive_spend(plan, report, staged, raw_columns)
    if "f_email" in columns:
        columns["f_email"] = pc.utf8_lower(columns["f_email"])
    return staged


def _derive_transactions(plan, report: FileReport, staged: Staged, order_headers) -> None:
    cols = staged.columns
    if plan.mapping.get("order_id") is None:
        # no order number column: one order per customer (or guest) per day
        who = pc.coalesce(cols["f_customer_id"], cols["f_email"], pa.scalar("guest"))
        day = pc.strftime(cols["f_ordered_at"], format="%Y%m%d")
        cols["f_order_id"] = pc.binary_join_element_wise(who, day, "-")
        report.notes.append("The file has no order number: a customer's lines on one day make one order.")
    lines = plan.role != "orders"          # an orders table's amounts are not loaded: nothing to say of them
    if plan.mapping.get("quantity") is None:
        cols["f_quantity"] = pa.array(np.ones(staged.n, dtype=np.int16)).cast(ARROW_TYPES["number"])
        if lines:
            report.notes.append("The file has no quantity column: each row counts as one item.")
    if lines and plan.mapping.get("unit_price") is None and plan.mapping.get("line_total") is not None:
        report.notes.append("Amounts are line totals: unit price = line total ÷ quantity.")
    order_headers.complete(report, staged)


def _phones(values: pa.Array, plan, raw_columns) -> pa.Array:
    """Phone numbers in E.164, parsed once per distinct (number, country) pair."""
    country_idx = plan.mapping.get("country")
    phones = values.to_pylist()
    countries = raw_columns[country_idx].to_pylist() if country_idx is not None else [None] * len(phones)
    cache: dict[tuple, str | None] = {}
    out = []
    for p, c in zip(phones, countries):
        key = (p, c)
        if key not in cache:
            cache[key] = normalise_phone(p, c)
        out.append(cache[key])
    return pa.array(out, pa.string())


def _attributes(plan, data: pa.Table) -> list[str | None]:
    """Every unmapped column of a customer row, by original header, as a JSON object."""
    mapped = {i for i in plan.mapping.values() if i is not None}
    keep, seen = [], {}
    for i, header in enumerate(plan.columns):
        if i in mapped and plan.mapping.get("customer_ref") != i:
            continue
        name = str(header) if header not in (None, "") else f"column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        keep.append((name if seen[name] == 1 else f"{name} ({seen[name]})", i))
    ref_idx = plan.mapping.get("customer_ref")
    cols = [(name, data.column(i).to_pylist()) for name, i in keep]
    ref = data.column(ref_idx).to_pylist() if ref_idx is not None else None
    out = []
    for r in range(data.num_rows):
        obj = {name: values[r] for name, values in cols}
        if ref is not None and ref[r] not in (None, ""):
            obj["customer_ref"] = clean_id(ref[r])
        out.append(json.dumps(obj, ensure_ascii=False) if obj else None)
    return out


def clean_id(value: str) -> str:
    """An id as text: trimmed, a spreadsheet's ``.0`` after a whole number dropped (``17850.0`` → ``17850``) and
    its leading apostrophe too (``'7401…`` → ``7401…``)."""
    text = str(value).strip()
    if text.startswith("'") and len(text) > 1:     # a spreadsheet's text escape ('7401000000000)
        text = text[1:].strip()
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        text = text[:-2]
    return text
