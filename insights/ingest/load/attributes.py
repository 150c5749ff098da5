"""Order and line attributes: what an orders file says about an order beyond its lines' money — flags, tags,
codes, methods, later dates — kept in ``order_attributes`` (order_id, line_id, source_file, source_row, name,
value, source_column) where churn features, pages and the segment builder can see them.

Which columns are kept (:func:`attribute_columns`), among the columns of a transactions file that no field took:

* **tags** — a header with the word tag(s), label(s) or keyword(s): split at ``,`` ``;`` ``|``, one row per tag,
  ``name = 'tag'``, the tag in lower case;
* **later dates** — a date column named for a later step of the order (approved, shipped, delivered, promised,
  a shipping deadline, returned…; see ``mapping.date_roles``): ``name`` = the role (``shipped_at``…), the value
  as ``YYYY-MM-DD HH:MM:SS``. The column that dated the lines is kept this way too when it names such a step
  (Olist's ``shipping_limit_date`` → ``ship_by``), since an orders file of the same upload may date the order;
* **flags** — a column of yes/no values whose header is a flag word (late, gift, express, priority, is…, has…)
  or whose values are yes/no words: ``'true'``/``'false'``; any flag naming lateness is called ``late_delivery``;
* **codes and methods** — discount, coupon, promo or voucher codes, shipping, delivery, payment or carrier
  methods and services: the text as written (at most 200 characters);
* **freight** — a freight column: the amount, as a number (the payments reconciliation adds it to the items).

Not attributes: money columns other than freight (amounts, totals, taxes, fees, refunds, and any code or
method column whose values are numbers), ids and references, a person's or an address's details (Shopify's
"Shipping Name", "Shipping City"…), free-text notes, and a date-named column whose values are not dates. Money
belongs in its own tables. Payments tables (``mapping.order_files``) keep their payment columns under
``payment_value``, ``payment_type``, ``payment_installments``, ``payment_sequential``. Empty cells make no row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest import values as V
from insights.ingest.mapping.date_roles import date_role, header_words
from insights.ingest.mapping.order_files import payment_columns
from insights.ingest.load.rules import KEEP

_TAG_WORDS = ("tag", "tags", "label", "labels", "keyword", "keywords", "hashtags")
_FLAG_WORDS = ("late", "gift", "express", "priority", "flag", "fragile", "vip", "rush", "expedited", "is", "has",
               "was", "delayed", "damaged")
_CODE_WORDS = ("discount", "coupon", "promo", "promotion", "voucher", "code", "codes", "method", "methods",
               "shipping", "delivery", "carrier", "service", "courier", "payment", "gateway", "fulfillment",
               "fulfilment", "campaign")
_MONEY_WORDS = ("amount", "total", "price", "cost", "value", "tax", "taxes", "subtotal", "fee", "fees",
                "refunded", "refund", "vat", "sum")
_MONEY_WORDS += ("charge", "charges", "discounts")
_ID_WORDS = ("id", "ids", "number", "no", "nr", "sku", "ean", "reference", "references", "ref", "account",
             "customer", "terms")
# a person's or an address's details (Shopify's "Shipping Name", "Shipping City"…) are not order attributes
_PERSONAL_WORDS = ("first", "last", "street", "address", "address1", "address2", "city", "province", "state",
                   "zip", "postcode", "postal", "country", "company", "phone", "email", "mail")
_DATE_WORDS = ("at", "on", "date", "datetime", "time", "timestamp", "day", "utc")
_FREE_TEXT_WORDS = ("note", "notes", "details", "comment", "comments", "instructions", "message")
_TEXT_LIMIT = 200
_SAMPLE = 2000
ATTRIBUTES_TABLE = pa.schema([("_idx", pa.int64()), ("name", pa.string()), ("value", pa.string()),
                              ("source_column", pa.string())])


@dataclass(frozen=True)
class AttributeColumn:
    index: int
    header: str
    name: str        # the attribute name rows get ('tag', 'shipped_at', 'late_delivery', 'discount_code' …)
    how: str         # tags, date, flag, text, money


def snake(header: str) -> str:
    """``'Discount Code'`` → ``'discount_code'``."""
    return "_".join(header_words(header)) or "column"


def _sample(column: pa.Array) -> pa.Array:
    return column.slice(0, _SAMPLE) if len(column) > _SAMPLE else column


def _reads_as_dates(column: pa.Array) -> bool:
    sample = _sample(column)
    fmt = V.detect_date_format(sample)
    if fmt.order == "unknown":
        return False
    res = V.parse_dates(sample, fmt)
    filled = ~res.empty
    return bool(filled.any() and (~res.errors[filled]).mean() >= 0.9)


def _yes_no(column: pa.Array) -> tuple[bool, bool]:
    """(every filled value of the sample is a yes/no word, some are words rather than digits)."""
    sample = _sample(column)
    res = V.parse_booleans(sample)
    filled = ~res.empty
    if not filled.any() or res.errors[filled].any():
        return False, False
    text = pc.utf8_trim_whitespace(sample.cast(pa.string())).to_pylist()
    words = any(t and not t.lstrip("-").replace(".", "").isdigit() for t in text)
    return True, words


def _not_an_attribute(words: list[str]) -> bool:
    """Ids, money, a person's or an address's details, free-text notes: not flags, tags, codes or methods."""
    if "name" in words and any(w in ("shipping", "billing", "customer", "recipient") for w in words):
        return True
    return any(w in _ID_WORDS or w in _MONEY_WORDS or w in _PERSONAL_WORDS or w in _FREE_TEXT_WORDS
               for w in words)


def _numbers(column: pa.Array) -> bool:
    """Most filled values of the sample are numbers (an amount, not a code or a method)."""
    sample = _sample(column)
    res = V.parse_numbers(sample, V.detect_number_format(sample))
    filled = ~res.empty
    return bool(filled.any() and (~res.errors[filled]).mean() >= 0.9)


def attribute_columns(plan) -> list[AttributeColumn]:
    """The columns of a transactions file kept as order attributes (the rule in this module's docstring)."""
    if plan.kind != "transactions":
        return []
    data = plan.raw.data
    mapped = {i for i in plan.mapping.values() if i is not None}
    dated_by = plan.mapping.get("ordered_at")
    payments = payment_columns(plan.columns) if plan.role == "payments" else {}
    by_index = {i: name for name, i in payments.items()}
    out: list[AttributeColumn] = []
    for i, header in enumerate(plan.columns):
        if i in by_index:
            out.append(AttributeColumn(i, header, by_index[i], "money" if by_index[i] == "payment_value" else "text"))
            continue
        words = header_words(header)
        role = date_role(header)
        if i == dated_by and role is not None:
            out.append(AttributeColumn(i, header, role, "date"))
            continue
        if i in mapped or not words:
            continue
        column = data.column(i)
        if any(w in _TAG_WORDS for w in words):
            out.append(AttributeColumn(i, header, "tag", "tags"))
        elif "freight" in words:
            out.append(AttributeColumn(i, header, "freight", "money"))
        elif role is not None and _reads_as_dates(column):
            out.append(AttributeColumn(i, header, role, "date"))
        elif (role is not None and any(w in _DATE_WORDS for w in words)) or _not_an_attribute(words):
            continue
        elif (flags := _yes_no(column))[0] and (flags[1] or any(w in _FLAG_WORDS for w in words)):
            name = "late_delivery" if any(w.startswith("late") or w == "delayed" for w in words) else snake(header)
            out.append(AttributeColumn(i, header, name, "flag"))
        elif any(w in _CODE_WORDS for w in words) and ("code" in words or not _numbers(column)):
            out.append(AttributeColumn(i, header, snake(header), "text"))
    return out


def _values(col: AttributeColumn, column: pa.Array) -> pa.Array:
    """The column's values as attribute text (null where empty or unreadable)."""
    if col.how == "date":
        res = V.parse_dates(column, V.detect_date_format(column))
        return pc.strftime(res.values.cast(pa.timestamp("s"), safe=False), format="%Y-%m-%d %H:%M:%S")
    if col.how == "flag":
        res = V.parse_booleans(column)
        return pc.if_else(res.values, "true", "false")
    if col.how == "money":
        res = V.parse_numbers(column, V.detect_number_format(column))
        return res.values.cast(pa.string())
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    text = pc.utf8_slice_codeunits(text, 0, _TEXT_LIMIT)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def attribute_table(plan, staged, columns: list[AttributeColumn]) -> pa.Table:
    """One row per (kept row, attribute) with a value: ``_idx`` (the row's index in the file), name, value,
    source_column. Tags give one row per tag."""
    keep = np.flatnonzero(staged.state == KEEP)
    if not columns or not len(keep):
        return ATTRIBUTES_TABLE.empty_table()
    data = plan.raw.data
    take = pa.array(keep)
    parts = []
    for col in columns:
        column = data.column(col.index).combine_chunks().take(take)
        if col.how == "tags":
            # one row per tag: split at , ; | — vectorised (a 1M-line export has 1M tag cells)
            split = pc.split_pattern_regex(pc.fill_null(column.cast(pa.string()), ""), "[,;|]")
            tags = pc.utf8_slice_codeunits(pc.utf8_lower(pc.utf8_trim_whitespace(pc.list_flatten(split))),
                                           0, _TEXT_LIMIT)
            rows = pa.array(keep).take(pc.list_parent_indices(split))
            filled = pc.not_equal(tags, "")
            rows, values = rows.filter(filled), tags.filter(filled)
        else:
            values = _values(col, column)
            filled = pc.invert(values.is_null())
            rows, values = pa.array(keep).filter(filled), values.filter(filled)
        parts.append(pa.table({"_idx": rows, "name": pa.array([col.name] * len(rows), pa.string()),
                               "value": values, "source_column": pa.array([col.header] * len(rows), pa.string())},
                              schema=ATTRIBUTES_TABLE))
    return pa.concat_tables(parts).sort_by([("_idx", "ascending")])


def insert_attributes(con, table: pa.Table, staged, file_id: str, first_line_id: int | None,
                      used_orders: bool = False) -> int:
    """Write ``table``'s rows into ``order_attributes`` with each row's order number and spreadsheet row; with
    ``first_line_id`` each attribute belongs to the line loaded from its row (line_id = first + index), without
    it to the whole order. ``used_orders``: only orders some line of the upload used (``_order_ids_used``)."""
    if not table.num_rows:
        return 0
    keys = pa.table({"_idx": pa.array(np.arange(staged.n, dtype=np.int64)),
                     "order_id": staged.columns["f_order_id"], "source_row": pa.array(staged.rows, pa.int64())})
    con.register("_attribute_rows", table)
    con.register("_attribute_keys", keys)
    try:
        used = "and k.order_id in (select order_id from _order_ids_used)" if used_orders else ""  # fixed text
        return con.execute(f"""insert into order_attributes
            select k.order_id, $first + a._idx, $file_id, k.source_row, a.name, a.value, a.source_column
            from _attribute_rows a join _attribute_keys k using (_idx)
            where k.order_id is not null {used} order by a._idx""",
                           {"first": first_line_id, "file_id": file_id}).fetchall()[0][0]
    finally:
        con.unregister("_attribute_rows")
        con.unregister("_attribute_keys")
