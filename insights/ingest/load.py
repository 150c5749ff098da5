"""Loading prepared files into a workspace, with every row accounted for.

For each file: the mapped columns are parsed into typed values (``insights.ingest.values``, vectorised)
while DuckDB hashes the raw rows on a second cursor; numpy masks then decide, per row, one of

* **rejected** — a required value is missing or unreadable (``rejects``: row, column, value, reason), or the
  reader could not split the row into the header's columns (ragged row);
* **set aside** — an exact duplicate of an earlier row of the same file, or a row already loaded from an
  earlier file or an earlier file of the same upload (same ``row_hash``: next month's export overlapping this one);
* **loaded** — through ``sql/staging/<table>.sql`` into the canonical table. The staging SQL reads the temp
  view ``_incoming`` over the typed Arrow table (revenue, the status flag and the hash are added there): no
  temp table is written and no row is updated.

so that ``rows_read = rows_loaded + rows_rejected + rows_set_aside`` for every file. Revenue reconciles:
``revenue_read`` (quantity × unit price, or the line total, over every line whose amount is readable) =
``revenue_loaded + revenue_set_aside + revenue_rejected + revenue_excluded_by_status``, all in
``DECIMAL(18,4)`` — never float sums.

A file with order numbers and dates but no products or prices (Olist's ``orders`` table) is an *orders
table*: loaded together with an order-lines file, it completes those lines (customer, date, status,
delivery dates) by order number; its rows count as loaded when some line used them.

One load is one transaction: all files or none. Every file is classified first; identity resolution then
runs over the workspace's keys and the new rows' keys together, so each new row is written once with its
``customer_id`` (stored rows are updated only where their person changed); marts are rebuilt last, in the same
transaction.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.core.db import ROW_GROUP_ROWS, cursor, first_row, quote_ident, sql_text
from insights.ingest import mapping as M
from insights.ingest import values as V
from insights.ingest.identity import customer_id_sql, finish_identities, normalise_phone, resolve_identities

log = logging.getLogger(__name__)

TABLE_FOR_KIND = {"transactions": "order_lines", "customers": "customer_records", "events": "events",
                  "feedback": "feedback"}
ID_COLUMN = {"order_lines": "line_id", "customer_records": "record_id", "events": "event_id",
             "feedback": "feedback_id"}

Progress = Callable[[float, str], None]


# ----- reports --------------------------------------------------------------------------------------------
@dataclass
class FileReport:
    """What happened to one file. ``rows_read = rows_loaded + rows_rejected + rows_set_aside`` always."""
    path: str | None
    name: str
    kind: str
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    date_order: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)   # canonical field -> the file's header
    role: str = "lines"
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rows_set_aside: int = 0
    set_aside_by_reason: dict[str, int] = field(default_factory=dict)
    revenue_read: Decimal = Decimal(0)
    revenue_loaded: Decimal = Decimal(0)
    revenue_set_aside: Decimal = Decimal(0)
    revenue_rejected: Decimal = Decimal(0)
    revenue_excluded_by_status: Decimal = Decimal(0)
    currency: str | None = None
    already_loaded: bool = False
    file_id: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = dataclasses.asdict(self)
        for key, value in out.items():
            if isinstance(value, Decimal):
                out[key] = float(value)
        return out


@dataclass
class IngestReport:
    files: list[FileReport]
    workspace: dict
    identity: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"files": [f.to_dict() for f in self.files],
                "workspace": {k: float(v) if isinstance(v, Decimal) else v for k, v in self.workspace.items()},
                "identity": dict(self.identity)}


# ----- parsing one file into typed columns ------------------------------------------------------------------
def _field_type(fld: str) -> str:
    if fld in M.DATE_FIELDS:
        return "date"
    if fld in M.NUMBER_FIELDS:
        return "number"
    if fld in M.BOOL_FIELDS:
        return "bool"
    if fld in M.ID_FIELDS:
        return "id"
    return "text"


_ARROW_TYPES = {"date": pa.timestamp("us"), "number": pa.decimal128(18, 4), "bool": pa.bool_(),
                "id": pa.string(), "text": pa.string()}


def _as_mask(values, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=bool)


def _as_arrow(values, typ: pa.DataType) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(values)
    if values.type != typ:
        if pa.types.is_floating(values.type) and pa.types.is_decimal(typ):
            import pyarrow.compute as pc
            values = pc.round(values, 4)
        values = values.cast(typ, safe=False)
    return values


DISTINCT_PARSE_MIN_ROWS = 20_000   # below this, parsing every value is as quick as finding the distinct ones


def _dictionary_encode(column: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """One dictionary array for a column, chunked or not (a chunked column is encoded with one shared
    dictionary, so only its small int32 codes are joined)."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.DictionaryArray):
        return encoded
    chunks = encoded.chunks
    if not chunks:
        return pc.dictionary_encode(pa.array([], column.type))
    dictionary = chunks[0].dictionary
    if not all(c.dictionary is dictionary or c.dictionary.equals(dictionary) for c in chunks[1:]):
        return pc.dictionary_encode(column.combine_chunks())
    return pa.DictionaryArray.from_arrays(pa.concat_arrays([c.indices for c in chunks]), dictionary)


def parse_field(fld: str, column: pa.Array | pa.ChunkedArray, date_format=None):
    """(typed arrow array, unreadable mask, empty mask) for one mapped column.

    Order numbers, customer ids, prices and timestamps repeat a lot in a real export (Online Retail: 541,909
    lines, 25,900 invoices, 4,372 customers, 23,260 timestamps), so a long text column is parsed once per
    distinct value and the results are spread back over the rows. Date formats are decided on the whole
    column, number formats on its distinct values (the same evidence), so the outcome equals parsing every row.
    """
    typ = _field_type(fld)
    if len(column) >= DISTINCT_PARSE_MIN_ROWS and pa.types.is_string(column.type):
        encoded = _dictionary_encode(column)
        if len(encoded.dictionary) <= len(column) // 4:
            if typ == "date" and date_format is None:
                date_format = V.detect_date_format(column)
            # the number format is read from the values that show it: the distinct values hold them all
            number_format = V.detect_number_format(encoded.dictionary) if typ == "number" else None
            values, bad, empty = _parse_values(fld, typ, encoded.dictionary, date_format, number_format)
            if typ in ("id", "text") and values.equals(encoded.dictionary):
                # every distinct value is already clean text: the column is its own result
                return column, np.zeros(len(column), bool), column.is_null().to_numpy(zero_copy_only=False)
            codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
            missing = codes < 0                       # a null cell: empty, never an error
            safe = np.where(missing, 0, codes) if len(values) else np.zeros(len(codes), dtype=np.int64)
            if not len(values):                       # every cell is null
                return pa.nulls(len(column), _ARROW_TYPES[typ]), np.zeros(len(column), bool), np.ones(len(column), bool)
            return (values.take(encoded.indices), np.where(missing, False, bad[safe]),
                    np.where(missing, True, empty[safe]))
    return _parse_values(fld, typ, column, date_format, None)


def _parse_values(fld: str, typ: str, column: pa.Array, date_format, number_format):
    n = len(column)
    if typ == "date":
        res = V.parse_dates(column, date_format)
    elif typ == "number":
        res = V.parse_numbers(column, number_format or V.detect_number_format(column))
    elif typ == "bool":
        res = V.parse_booleans(column)
    elif typ == "id":
        res = V.parse_ids(column)
    else:
        import pyarrow.compute as pc
        text = pc.utf8_trim_whitespace(column)
        empty = pc.fill_null(pc.equal(text, ""), True)
        text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
        return text, np.zeros(n, dtype=bool), _as_mask(empty, n)
    return _as_arrow(res.values, _ARROW_TYPES[typ]), _as_mask(res.errors, n), _as_mask(res.empty, n)


# ----- the checks of one file ----------------------------------------------------------------------------
# (field, masks that must all be true, reason) in the order they are checked; the first failing one is
# reported. "null:x" is a missing value of field x (after derivation), "bad:x" an unreadable one;
# "null:revenue" a line whose amount cannot be computed.
_CHECKS = {
    "transactions": [
        ("order_id", ("null:order_id",), "no order number"),
        ("ordered_at", ("bad:ordered_at",), "order date is not a date Clueboard can read"),
        ("ordered_at", ("null:ordered_at",), "no order date"),
        ("quantity", ("bad:quantity",), "quantity is not a number"),
        ("unit_price", ("bad:unit_price",), "unit price is not an amount"),
        ("line_total", ("bad:line_total",), "line total is not an amount"),
        ("unit_price", ("null:revenue",), "no price or amount"),
    ],
    "customers": [
        ("customer_id", ("null:customer_id", "null:email", "null:phone"), "no customer id, e-mail or phone"),
    ],
    "events": [
        ("event_at", ("bad:event_at",), "event time is not a date Clueboard can read"),
        ("event_at", ("null:event_at",), "no event time"),
        ("event_name", ("null:event_name",), "no event name"),
    ],
    "feedback": [
        ("score", ("bad:score",), "score is not a number"),
        ("score", ("null:score", "null:text"), "no score and no comment"),
    ],
}
# a status that says the sale was undone: a line with such a status nets to zero (matched on the lower-cased text)
_STATUS_UNDONE = "(cancel|storn|annul|void|return|refund|retour)"
KEEP, REJECTED, SET_ASIDE = 0, 1, 2
_LOW_BITS = (1 << 20) - 1        # duplicate search: slots of a bit table indexed by a hash's low bits

# the order-header fields a line file may lack and an orders table of the same batch can complete
_HEADER_FIELDS = ("ordered_at", "customer_id", "email", "phone", "status", "channel", "country", "currency",
                  "delivered_at", "promised_at")


def _status_undone(status: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Per line: does its status say the sale was undone (cancelled, returned, refunded…)? Read once per
    distinct status (a null status says nothing)."""
    if status.null_count == len(status):
        return pa.array(np.zeros(len(status), dtype=bool))
    encoded = _dictionary_encode(status)
    says = pc.match_substring_regex(pc.utf8_lower(encoded.dictionary), _STATUS_UNDONE)
    return pc.fill_null(says.take(encoded.indices), False)


def _col(i: int, ncols: int) -> str:
    names = [f"c{j}" for j in range(ncols)]
    return quote_ident(f"c{i}", names)


def _null_mask(values: pa.Array) -> np.ndarray:
    return values.is_null().to_numpy(zero_copy_only=False)


@dataclass
class _Staged:
    """One file's typed columns (``f_<field>``), its unreadable-value masks and, once classified, each row's fate."""
    n: int
    rows: np.ndarray                                   # the row number a spreadsheet shows
    columns: dict[str, pa.Array]
    bad: dict[str, np.ndarray]
    state: np.ndarray | None = None                    # KEEP / REJECTED / SET_ASIDE per row
    check: np.ndarray | None = None                    # index into the checks of the first failing one, -1
    aside: list[tuple[int, str]] = field(default_factory=list)   # (row index, reason)
    hash_hi: pa.Array | None = None
    hash_lo: pa.Array | None = None

    def null(self, fld: str) -> np.ndarray:
        return _null_mask(self.columns[f"f_{fld}"])


class _Loader:
    """Loads one plan at a time inside the caller's transaction.

    The parsed file stays an Arrow table from parsing to insert: rows are classified with numpy masks, the row
    hashes and duplicates come from one DuckDB query over the raw cells, and ``sql/staging/<table>.sql`` reads
    the typed table through the temp view ``_incoming`` (which adds revenue, the status flag and the hash). No
    temp table is written and no row is updated.
    """

    def __init__(self, con, plans: Sequence):
        self.con = con
        self.order_headers: list[tuple] = []  # (plan, report) of orders tables in this batch
        self.pending: list[tuple] = []        # (plan, staged, report) classified, waiting for identity resolution
        self.later_files: dict[str, int] = {}  # canonical table -> files of this batch not yet classified
        for plan in plans:
            if plan.role != "orders":
                table = TABLE_FOR_KIND[plan.kind]
                self.later_files[table] = self.later_files.get(table, 0) + 1

    # ---- parsing one plan into typed columns ----------------------------------------------------------
    def _stage(self, plan, report: FileReport) -> _Staged:
        raw = plan.raw
        data = raw.data
        n, kind = data.num_rows, plan.kind
        rows = np.asarray(raw.source_rows, dtype=np.int64) if raw.source_rows is not None else np.arange(2, n + 2)
        # chunked as read (a file parsed on several cores comes in blocks): parse_field takes either
        raw_columns = [data.column(i) if data.column(i).num_chunks != 1 else data.column(i).chunk(0)
                       for i in range(data.num_columns)]
        columns: dict[str, pa.Array] = {}
        bad: dict[str, np.ndarray] = {}
        for fld in M.FIELDS[kind]:
            idx = plan.mapping.get(fld)
            typ = _field_type(fld)
            if idx is None:
                columns[f"f_{fld}"] = pa.nulls(n, _ARROW_TYPES[typ])
                bad[fld] = np.zeros(n, dtype=bool)
                continue
            values, unreadable, empty = parse_field(fld, raw_columns[idx], plan.date_formats.get(fld))
            if fld == "phone":
                values = self._phones(values, plan, raw_columns)
            columns[f"f_{fld}"] = values
            bad[fld] = unreadable & ~empty
            count = int(bad[fld].sum())
            if count and not any(fld == c[0] for c in _CHECKS[kind]):
                report.notes.append(
                    f"{count:,} values in column “{plan.columns[idx]}” could not be read as "
                    f"{'dates' if typ == 'date' else 'numbers' if typ == 'number' else 'yes/no'} "
                    "and were left empty (the rows are loaded)")
        if kind == "customers":
            columns["_attributes"] = pa.array(self._attributes(plan, data), pa.string())
        staged = _Staged(n, rows, columns, bad)
        if kind == "transactions":
            self._derive_transactions(plan, report, staged)
        if "f_email" in columns:
            columns["f_email"] = pc.utf8_lower(columns["f_email"])
        return staged

    def _derive_transactions(self, plan, report: FileReport, staged: _Staged) -> None:
        cols = staged.columns
        if plan.mapping.get("order_id") is None:
            # no order number column: one order per customer (or guest) per day
            who = pc.coalesce(cols["f_customer_id"], cols["f_email"], pa.scalar("guest"))
            day = pc.strftime(cols["f_ordered_at"], format="%Y%m%d")
            cols["f_order_id"] = pc.binary_join_element_wise(who, day, "-")
            report.notes.append("The file has no order number: a customer's lines on one day make one order.")
        if plan.mapping.get("quantity") is None:
            cols["f_quantity"] = pa.array(np.ones(staged.n, dtype=np.int16)).cast(_ARROW_TYPES["number"])
            report.notes.append("The file has no quantity column: each row counts as one item.")
        if plan.mapping.get("unit_price") is None and plan.mapping.get("line_total") is not None:
            report.notes.append("Amounts are line totals: unit price = line total ÷ quantity.")
        self._join_order_headers(report, staged)

    def _join_order_headers(self, report: FileReport, staged: _Staged) -> None:
        """Lines of an orders-table batch take what they lack (date, customer, status…) from the orders table."""
        con = self.con
        if not con.execute("select count(*) from _order_headers").fetchall()[0][0]:
            return
        cols = staged.columns
        lines = pa.table({"_idx": pa.array(np.arange(staged.n, dtype=np.int64)), "f_order_id": cols["f_order_id"],
                          **{f"f_{f}": cols[f"f_{f}"] for f in _HEADER_FIELDS}})
        # the first orders table that knows an order wins; lines keep their own values where they have them
        filled = ", ".join(f"coalesce(l.f_{f}, h.f_{f}) as f_{f}" for f in _HEADER_FIELDS)  # fixed names
        con.register("_lines_arrow", lines)
        try:
            out = con.sql(f"""select {filled}, h.f_order_id is not null as _matched
                             from _lines_arrow l left join _order_headers h on h.f_order_id = l.f_order_id
                             order by l._idx""").to_arrow_table()
            con.execute("insert into _order_ids_used select distinct l.f_order_id from _lines_arrow l "
                        "where l.f_order_id in (select f_order_id from _order_headers)")
        finally:
            con.unregister("_lines_arrow")
        for f in _HEADER_FIELDS:
            cols[f"f_{f}"] = out.column(f"f_{f}").combine_chunks().cast(cols[f"f_{f}"].type)
        matched = int(pc.sum(out.column("_matched")).as_py() or 0)
        names = ", ".join(p.name for p, _ in self.order_headers)
        report.notes.append(f"{matched:,} lines completed (customer, date, status, delivery) from the orders "
                            f"table {names}.")

    def _phones(self, values: pa.Array, plan, raw_columns) -> pa.Array:
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

    @staticmethod
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
                obj["customer_ref"] = V_clean_id(ref[r])
            out.append(json.dumps(obj, ensure_ascii=False) if obj else None)
        return out

    # ---- classification of rows -------------------------------------------------------------------
    def _checks(self, plan) -> list[tuple]:
        if plan.role == "orders":
            return [c for c in _CHECKS["transactions"] if c[0] in ("order_id", "ordered_at")]
        return _CHECKS[plan.kind]

    def _classify(self, plan, staged: _Staged, table: str) -> None:
        """Each row's fate: rejected (first failing check), set aside (duplicate, already loaded) or kept."""
        checks = self._checks(plan)
        masks: dict[str, np.ndarray] = {}

        def mask(term: str) -> np.ndarray:
            if term not in masks:
                what, fld = term.split(":")
                if what == "bad":
                    masks[term] = staged.bad[fld]
                elif fld == "revenue":
                    masks[term] = self._revenue_missing(plan, staged)
                else:
                    masks[term] = staged.null(fld)
            return masks[term]

        check = np.full(staged.n, -1, dtype=np.int16)
        for i in range(len(checks) - 1, -1, -1):     # the first failing check wins
            failing = np.logical_and.reduce([mask(t) for t in checks[i][1]])
            check[failing] = i
        staged.check = check
        state = np.where(check >= 0, REJECTED, KEEP).astype(np.int8)
        earlier, prior = self._row_hashes(plan, staged, state == KEEP, table)
        duplicate = ~np.isnan(earlier)
        state[duplicate] = SET_ASIDE
        aside = [(int(i), f"exact duplicate of row {int(earlier[i])}") for i in np.flatnonzero(duplicate)]
        for i, name in prior:
            if state[i] == KEEP:
                state[i] = SET_ASIDE
                aside.append((i, f"already loaded from {name}"))
        staged.state = state
        staged.aside = sorted(aside)

    @staticmethod
    def _revenue_missing(plan, staged: _Staged) -> np.ndarray:
        if plan.mapping.get("unit_price") is not None:
            return staged.null("quantity") | staged.null("unit_price")
        if plan.mapping.get("line_total") is not None:
            return staged.null("line_total")
        return np.ones(staged.n, dtype=bool)

    def _hash_rows(self, plan) -> tuple[pa.Array, pa.Array]:
        """md5 of the kind and every cell of the row as read (equal rows, equal hashes, within and across files),
        as md5's 128-bit number split in two ``uint64`` halves (stored as one UUID).

        Runs on its own cursor so that it can overlap with parsing (both release the GIL); it only reads the
        reader's Arrow table, never the workspace's tables.
        """
        data = plan.raw.data
        ncols = data.num_columns
        cells = ", ".join(f"coalesce({_col(i, ncols)}, '')" for i in range(ncols))
        cur = cursor(self.con)
        try:
            cur.register("_raw_arrow", data)
            # a plain projection keeps the rows in order; identifiers are the reader's generated c0..cN (checked
            # by quote_ident), the kind is a bound value
            hashed = cur.sql(f"""select (h >> 64)::ubigint as hi, (h & 18446744073709551615::uhugeint)::ubigint as lo
                from (select md5_number(concat_ws(chr(31), $kind, {cells})) as h from _raw_arrow)""",
                             params={"kind": plan.kind}).to_arrow_table()
        finally:
            cur.close()
        return hashed.column("hi").combine_chunks(), hashed.column("lo").combine_chunks()

    def _row_hashes(self, plan, staged: _Staged, candidate: np.ndarray, table: str):
        """Per row, the row number of the earlier identical row among ``candidate`` rows (NaN when none), and the
        (row index, file name) of candidate rows already loaded (see :meth:`_already_loaded`)."""
        hi = staged.hash_hi.to_numpy(zero_copy_only=False)
        lo = staged.hash_lo.to_numpy(zero_copy_only=False)
        earlier = np.full(staged.n, np.nan)
        # duplicates: rows whose upper half repeats are compared in full. The repeated halves are found by
        # sorting the values alone (5x quicker than an argsort or a hash table at 1M rows), then looked up
        cand = np.flatnonzero(candidate)
        halves = hi[cand]
        ordered = np.sort(halves)
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        if len(repeated):
            first: dict[tuple, int] = {}
            # rows holding one of the (few) repeated values: a 2^20-slot table of their low bits picks the rows
            # that may, np.isin checks those few (on all the rows it would sort them again)
            low = np.uint64(_LOW_BITS)
            slots = np.zeros(_LOW_BITS + 1, dtype=bool)
            slots[(repeated & low).astype(np.intp)] = True
            maybe = np.flatnonzero(slots[(halves & low).astype(np.intp)])
            suspects = cand[maybe[np.isin(halves[maybe], repeated)]]   # ascending = file order
            for i in suspects:
                key = (int(hi[i]), int(lo[i]))
                if key in first:
                    earlier[i] = staged.rows[first[key]]
                else:
                    first[key] = int(i)
        return earlier, self._already_loaded(table, staged, candidate & np.isnan(earlier))

    def _already_loaded(self, table: str, staged: _Staged, candidate: np.ndarray) -> list[tuple[int, str]]:
        """(row index, file name) of ``candidate`` rows whose hash is in ``table`` or in an earlier file of this batch."""
        con = self.con
        has_rows = bool(con.execute(f'select count(*) from (select 1 from "{table}" limit 1)').fetchall()[0][0])
        has_batch = bool(con.execute("select count(*) from _batch_hashes where tbl = ?", [table]).fetchall()[0][0])
        if not (has_rows or has_batch) or not candidate.any():
            return []
        # a table name from TABLE_FOR_KIND; the batch's table name is a bound value
        sources = []
        if has_rows:
            sources.append(f"""select t.row_hash as h, coalesce(f.name, t.source_file) as file_name
                from "{table}" t left join files f on f.file_id = t.source_file
                where t.row_hash in (select h from incoming)""")
        if has_batch:      # rows of an earlier file of this batch, not inserted yet
            sources.append("""select h, file_name from _batch_hashes
                where tbl = $tbl and h in (select h from incoming)""")
        idx = np.flatnonzero(candidate)
        hashes = pa.table({"_idx": pa.array(idx), "hi": staged.hash_hi.take(pa.array(idx)),
                           "lo": staged.hash_lo.take(pa.array(idx))})
        con.register("_hashes_arrow", hashes)
        try:
            found = con.execute(f"""
                with incoming as materialized (
                    select _idx, ((hi::uhugeint << 64) | lo::uhugeint)::uuid as h from _hashes_arrow),
                prior as (select h, min(file_name) as file_name from ({" union all ".join(sources)}) group by h)
                select i._idx, p.file_name from incoming i join prior p on p.h = i.h order by i._idx""",
                {"tbl": table} if has_batch else {}).fetchall()
        finally:
            con.unregister("_hashes_arrow")
        return [(int(i), name) for i, name in found]

    # ---- the typed table as the staging SQL sees it ------------------------------------------------------
    def _register(self, plan, staged: _Staged, identity: bool = False) -> None:
        """``_incoming``: a temp view over the typed Arrow table, adding revenue, the status flag, the hash and,
        with ``identity`` (after :func:`resolve_identities`), each row's resolved ``_customer_id``."""
        arrays = {"_idx": pa.array(np.arange(staged.n, dtype=np.int64)), "_row": pa.array(staged.rows, pa.int64()),
                  **staged.columns,
                  "_state": pa.array(staged.state, pa.int8()), "_keep": pa.array(staged.state == KEEP, pa.bool_()),
                  "_hash_hi": staged.hash_hi, "_hash_lo": staged.hash_lo}
        if plan.kind == "transactions":
            arrays["_status_undone"] = _status_undone(staged.columns["f_status"])
        # in row-group-sized batches: DuckDB scans (and so writes) one batch per thread, so a 100k-line file is
        # written on every core instead of one (zero-copy slices)
        table = pa.table(arrays)
        self.con.register("_incoming_arrow", pa.Table.from_batches(table.to_batches(max_chunksize=ROW_GROUP_ROWS),
                                                                   table.schema))
        if identity:
            joins, customer = customer_id_sql("i", TABLE_FOR_KIND[plan.kind] in ("order_lines", "customer_records"))
        else:
            joins, customer = "", "null::varchar"
        # every name below is fixed text or a fixed field name; nothing comes from the file
        base = (f"select i.*, {customer} as _customer_id, "
                f"((i._hash_hi::uhugeint << 64) | i._hash_lo::uhugeint)::uuid as _hash from _incoming_arrow i{joins}")
        if plan.kind == "transactions":
            if plan.mapping.get("unit_price") is not None:
                revenue, price = "round(f_quantity * f_unit_price, 4)", "f_unit_price"
            elif plan.mapping.get("line_total") is not None:
                revenue = "f_line_total"
                price = ("case when f_quantity is null or f_quantity = 0 then 0::decimal(18,4) "
                         "else round(f_line_total / f_quantity, 4)::decimal(18,4) end")
            else:
                revenue, price = "null::decimal(18,4)", "f_unit_price"
            self.con.execute(f"""create or replace temp view _incoming as
                with based as ({base}),
                priced as (
                    select * replace ({price} as f_unit_price), ({revenue})::decimal(18,4) as f_revenue from based)
                select *, coalesce(f_quantity > 0 and f_revenue <> 0
                                   and _status_undone, false) as _status_zeroed
                from priced""")
        else:
            self.con.execute(f"create or replace temp view _incoming as {base}")

    def _unregister(self) -> None:
        self.con.execute("drop view if exists _incoming")
        with contextlib.suppress(Exception):
            self.con.unregister("_incoming_arrow")

    def _insert_rejects(self, plan, staged: _Staged, fid: str) -> None:
        """One rejects row per rejected row: its row number, the column, the value as written, the reason."""
        rejected = np.flatnonzero(staged.state == REJECTED)
        if not len(rejected):
            return
        checks = self._checks(plan)
        data = plan.raw.data
        rows = []
        for i in rejected[np.argsort(staged.rows[rejected], kind="stable")]:
            fld, _, reason = checks[staged.check[i]]
            col_idx = plan.mapping.get(fld)
            col = plan.columns[col_idx] if col_idx is not None else M.FIELD_LABELS[fld]
            value = data.column(col_idx)[int(i)].as_py() if col_idx is not None else None
            rows.append((fid, int(staged.rows[i]), col, None if value is None else str(value)[:500], reason))
        self._insert_frame("rejects", pd.DataFrame(rows, columns=["file_id", "source_row", "column_name", "value",
                                                                  "reason"]))

    def _insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        self.con.register("_frame", frame)
        try:
            self.con.execute(f'insert into "{table}" select * from _frame')  # fixed table names
        finally:
            self.con.unregister("_frame")

    # ---- one file ---------------------------------------------------------------------------------
    def load_plan(self, plan) -> FileReport:
        con = self.con
        raw = plan.raw
        report = FileReport(
            path=str(plan.path) if plan.path else None, name=plan.name, kind=plan.kind, format=raw.format,
            encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet, date_order=plan.date_order,
            mapping={f: plan.columns[i] for f, i in plan.mapping.items() if i is not None}, role=plan.role)
        report.notes.extend(n for n in list(raw.notes or []) + list(plan.notes) if n not in report.notes)
        ragged = list(raw.rejected or [])
        report.rows_read = raw.data.num_rows + len(ragged)
        prior = first_row(con.execute("select file_id, name from files where sha256 = ?", [plan.sha256]))
        if prior:
            report.already_loaded = True
            report.file_id = prior[0]
            report.rows_set_aside = report.rows_read
            report.set_aside_by_reason = {f"the same file was already loaded ({prior[1]})": report.rows_read}
            old = first_row(con.execute("select report from files where file_id = ?", [prior[0]]))
            if old and old[0]:
                old_report = json.loads(old[0])
                report.revenue_read = Decimal(str(old_report.get("revenue_read", 0)))
                report.revenue_set_aside = report.revenue_read
            report.notes.append("This exact file was loaded before: nothing changed.")
            return report
        report.file_id = fid = "f" + plan.sha256[:15] + uuid.uuid4().hex[:4]
        table = TABLE_FOR_KIND[plan.kind]
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            hashing = pool.submit(self._hash_rows, plan)
            staged = self._stage(plan, report)
            staged.hash_hi, staged.hash_lo = hashing.result()
        self._classify(plan, staged, table)
        # rejects: ragged rows from the reader, then unreadable or missing required values
        if ragged:
            con.executemany("insert into rejects values (?, ?, ?, ?, ?)",
                            [(fid, _ragged_row(r), None, _ragged_value(r), _ragged_reason(r)) for r in ragged])
        self._insert_rejects(plan, staged, fid)
        if staged.aside:
            self._insert_frame("set_aside", pd.DataFrame(
                {"file_id": fid, "source_row": staged.rows[[i for i, _ in staged.aside]],
                 "reason": [r for _, r in staged.aside]}).sort_values("source_row", kind="stable"))
        checks = self._checks(plan)
        reasons: dict[str, int] = {}
        for i, count in zip(*np.unique(staged.check[staged.state == REJECTED], return_counts=True)):
            reasons[checks[i][2]] = reasons.get(checks[i][2], 0) + int(count)
        for r in ragged:
            key = _ragged_reason(r)
            reasons[key] = reasons.get(key, 0) + 1
        report.rejected_by_reason = dict(sorted(reasons.items(), key=lambda kv: -kv[1]))
        report.rows_rejected = sum(reasons.values())
        aside: dict[str, int] = {}
        for _, reason in staged.aside:
            key = "exact duplicate of an earlier row" if reason.startswith("exact duplicate") else reason
            aside[key] = aside.get(key, 0) + 1
        report.set_aside_by_reason = dict(sorted(aside.items(), key=lambda kv: -kv[1]))
        report.rows_set_aside = sum(aside.values())
        report.rows_loaded = int((staged.state == KEEP).sum())
        self._register(plan, staged)
        try:
            if plan.role == "orders":
                con.execute("""insert into _order_headers_all select ?, _row, _keep, f_order_id, f_ordered_at,
                        f_customer_id, f_email, f_phone, f_status, f_channel, f_country, f_currency, f_delivered_at,
                        f_promised_at from _incoming""", [fid])
                con.execute("""create or replace temp table _order_headers as select * from _order_headers_all
                               where _keep qualify row_number() over (partition by f_order_id order by _row) = 1""")
                self.order_headers.append((plan, report))
                report.notes.append("Orders table (no products or prices): used to complete the order lines loaded "
                                    "with it.")
                return report
            self._batch_keys(plan)
            if self.later_files.get(table, 0) > 1:     # a later file of this batch must see these rows as loaded
                con.execute(f"""insert into _batch_hashes select ?, _hash, ? from _incoming where _keep""",
                            [table, plan.name])
            if plan.kind == "transactions":
                self._money(report)
        finally:
            self._unregister()
        self.later_files[table] = self.later_files.get(table, 0) - 1
        self.pending.append((plan, staged, report))
        return report

    def _batch_keys(self, plan) -> None:
        """The customer keys of the rows about to be inserted, for identity resolution (see ``identity._KEYS_SQL``)."""
        if plan.kind == "customers":
            self.con.execute("""insert into _batch_keys
                select distinct f_customer_id, null, f_email, f_phone, 1 from _incoming where _keep
                union all
                select distinct f_customer_id, (_attributes::json)->>'$.customer_ref', null, null, 1 from _incoming
                where _keep and f_customer_id is not null and (_attributes::json)->>'$.customer_ref' is not null""")
        elif plan.kind == "transactions":
            self.con.execute("insert into _batch_keys select distinct f_customer_id, null, f_email, f_phone, 0 "
                             "from _incoming where _keep")
        else:       # events and feedback carry no phone
            self.con.execute("insert into _batch_keys select distinct f_customer_id, null, f_email, null, 0 "
                             "from _incoming where _keep")

    def insert_pending(self, progress: Callable[[float, str], None] | None = None) -> None:
        """Second step, after identity resolution: each file's kept rows into its canonical table.
        ``progress(share of the rows done, file name)`` before each file."""
        con = self.con
        total, done = max(sum(staged.n for _, staged, _ in self.pending), 1), 0
        for plan, staged, report in self.pending:
            if progress:
                progress(done / total, plan.name)
            done += staged.n
            table = TABLE_FOR_KIND[plan.kind]
            self._register(plan, staged, identity=True)
            try:
                first_id = con.execute(f'select coalesce(max("{ID_COLUMN[table]}"), 0) + 1 from "{table}"').fetchall()[0][0]
                params = {"file_id": report.file_id, "first_line_id": first_id}
                if plan.kind == "feedback":
                    params["default_kind"] = self._default_feedback_kind()
                con.execute(f'insert into "{table}" ' + sql_text(f"staging/{table}.sql"), params)
            finally:
                self._unregister()
        self.pending.clear()

    def _money(self, report: FileReport) -> None:
        money = self.con.execute("""select
                coalesce(sum(f_revenue), 0),
                coalesce(sum(f_revenue) filter (where _keep and not _status_zeroed), 0),
                coalesce(sum(f_revenue) filter (where _state = $aside), 0),
                coalesce(sum(f_revenue) filter (where _state = $rejected), 0),
                coalesce(sum(f_revenue) filter (where _keep and _status_zeroed), 0),
                mode(upper(f_currency))
            from _incoming""", {"aside": SET_ASIDE, "rejected": REJECTED}).fetchall()[0]
        (report.revenue_read, report.revenue_loaded, report.revenue_set_aside, report.revenue_rejected,
         report.revenue_excluded_by_status) = (Decimal(m) for m in money[:5])
        report.currency = money[5]
        if report.revenue_excluded_by_status:
            report.notes.append(f"{report.revenue_excluded_by_status:,.2f} of lines whose status says cancelled "
                                "or returned is not counted as revenue.")

    def _default_feedback_kind(self) -> str:
        top = self.con.execute("select max(f_score) from _incoming where _keep").fetchall()[0][0]
        return "nps" if top is not None and top > 5 else "review"

    def finish_order_headers(self) -> None:
        """Orders tables: rows some line used count as loaded; the others are set aside."""
        con = self.con
        reason = "order has no lines in the files loaded with it"
        for plan, report in self.order_headers:
            fid = report.file_id
            con.execute("""insert into set_aside select _file, _row, ? from _order_headers_all
                           where _file = ? and _keep and f_order_id not in (select order_id from _order_ids_used)
                           order by _row""", [reason, fid])
            unused = con.execute("select count(*) from set_aside where file_id = ? and reason = ?",
                                 [fid, reason]).fetchall()[0][0]
            if unused:
                report.set_aside_by_reason[reason] = unused
                report.rows_set_aside += unused
            kept = con.execute("select count(*) from _order_headers_all where _file = ? and _keep",
                               [fid]).fetchall()[0][0]
            report.rows_loaded = kept - unused


def V_clean_id(value: str) -> str:
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        text = text[:-2]
    return text


def _ragged_row(item) -> int | None:
    return getattr(item, "row", item[0] if isinstance(item, (tuple, list)) else None)


def _ragged_value(item) -> str | None:
    value = getattr(item, "value", None)
    if value is None and isinstance(item, (tuple, list)) and len(item) > 2:
        value = item[2]
    return None if value is None else str(value)[:500]


def _ragged_reason(item) -> str:
    reason = getattr(item, "reason", None)
    if reason is None and isinstance(item, (tuple, list)) and len(item) > 1:
        reason = item[1]
    return str(reason or "the row has a different number of columns than the header")


# ----- public entry points -----------------------------------------------------------------------------------
@contextlib.contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused for a bulk step. Reading and loading a large file makes few
    reference cycles but very many short-lived objects, which set off about 250 collections (0.1 s of a
    1M-line load) that find nothing to collect; reference counting still frees everything as it goes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_prepared(ws, plans: Sequence, progress: Progress | None = None) -> IngestReport:
    """Load prepared files (see :func:`insights.ingest.prepare_file`) into ``ws`` in one transaction."""
    with gc_paused():
        return _load_prepared(ws, plans, progress)


def _load_prepared(ws, plans: Sequence, progress: Progress | None) -> IngestReport:
    progress = progress or (lambda f, m: None)
    for plan in plans:
        missing = plan.missing_required()
        if missing:
            from insights.ingest.errors import IngestError
            raise IngestError(plan.name, None, ", ".join(M.FIELD_LABELS.get(f, f) for f in missing),
                              "a column mapped to this field")
    # orders tables first, so the lines loaded with them can be completed
    ordered = sorted(plans, key=lambda p: 0 if p.role == "orders" else 1)
    reports: dict[int, FileReport] = {}
    with ws.transaction() as con:
        loader = _Loader(con, ordered)
        con.execute("create or replace temp table _order_ids_used (order_id varchar)")
        con.execute("""create or replace temp table _order_headers_all (_file varchar, _row bigint, _keep boolean,
            f_order_id varchar, f_ordered_at timestamp, f_customer_id varchar, f_email varchar, f_phone varchar,
            f_status varchar, f_channel varchar, f_country varchar, f_currency varchar,
            f_delivered_at timestamp, f_promised_at timestamp)""")
        con.execute("create or replace temp table _order_headers as select * from _order_headers_all")
        con.execute("create or replace temp table _batch_keys (cid varchar, ref varchar, email varchar, "
                    "phone varchar, crm integer)")
        con.execute("create or replace temp table _batch_hashes (tbl varchar, h uuid, file_name varchar)")
        total = max(sum(p.raw.data.num_rows for p in plans), 1)
        done = 0
        for plan in ordered:
            progress(done / total * 0.35, f"Checking {plan.name}…")
            reports[id(plan)] = loader.load_plan(plan)
            done += plan.raw.data.num_rows
        loader.finish_order_headers()
        for plan in ordered:
            report = reports[id(plan)]
            if report.already_loaded:
                continue
            if report.rows_read != report.rows_loaded + report.rows_rejected + report.rows_set_aside:
                raise AssertionError(f"row accounting broken for {plan.name}: {report}")
            con.execute("insert into files values (?, ?, ?, ?, ?, ?, ?)",
                        [report.file_id, report.path, report.name, plan.sha256, plan.kind,
                         dt.datetime.now(), json.dumps(report.to_dict(), default=str)])
            M.remember_mapping(con, M.layout_signature(plan.columns, plan.kind), plan.kind, plan.mapping)
        # the steps' shares of the bar follow their measured time (bench/ingest.py, a 1M-line file): checking
        # a third, saving the lines another third, summaries a fifth
        progress(0.35, "Matching customers across files…")
        identity = resolve_identities(con, batch_keys=True)
        loader.insert_pending(lambda share, name: progress(0.4 + 0.35 * share, f"Saving {name}…"))
        finish_identities(con)
        for tmp in ("_order_headers", "_order_headers_all", "_order_ids_used", "_batch_keys", "_batch_hashes"):
            con.execute(f"drop table if exists {tmp}")  # fixed names
        progress(0.75, "Building summaries…")
        ws.build_marts_in(con)       # the same transaction: data and marts reach the file together
        progress(0.95, "Writing to disk…")
    progress(1.0, "Done")
    return IngestReport([reports[id(p)] for p in plans], workspace_summary(ws), identity)


def workspace_summary(ws) -> dict:
    # each table read once (ten scalar subqueries took five times as long at 1M lines)
    row = ws.con.execute("""
        with lines as (select count(*) as n, coalesce(sum(revenue), 0) as revenue, min(ordered_at) as first_at,
                              max(ordered_at) as last_at from order_lines),
             orders as (select count(*) filter (where is_order) as n,
                               count(*) filter (where is_order and is_guest) as guests from orders)
        select (select count(*) from customers), orders.n, lines.n, lines.revenue,
               (select count(*) from customer_records), (select count(*) from events),
               (select count(*) from feedback), lines.first_at, lines.last_at, orders.guests
        from lines, orders""").fetchall()[0]
    return {"customers": row[0], "orders": row[1], "order_lines": row[2], "net_revenue": Decimal(row[3]),
            "customer_records": row[4], "events": row[5], "feedback": row[6],
            "first_order_at": row[7].isoformat() if row[7] else None,
            "last_order_at": row[8].isoformat() if row[8] else None, "guest_orders": row[9]}


def rejects_frame(ws, file_id: str | None = None):
    """Rejected rows for download: file, row, column, value, reason (pandas)."""
    sql = """select coalesce(f.name, r.file_id) as file, r.source_row as row, r.column_name as column,
                    r.value, r.reason
             from rejects r left join files f on f.file_id = r.file_id
             where $file_id is null or r.file_id = $file_id
             order by file, row"""
    return ws.con.execute(sql, {"file_id": file_id}).df()


def set_aside_frame(ws, file_id: str | None = None):
    sql = """select coalesce(f.name, s.file_id) as file, s.source_row as row, s.reason
             from set_aside s left join files f on f.file_id = s.file_id
             where $file_id is null or s.file_id = $file_id order by file, row"""
    return ws.con.execute(sql, {"file_id": file_id}).df()


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
