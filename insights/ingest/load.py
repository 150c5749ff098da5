"""Loading prepared files into a workspace, with every row accounted for.

For each file: the mapped columns are parsed into typed values (``insights.ingest.values``, vectorised),
the typed table goes to DuckDB as ``_incoming`` and fixed SQL decides, per row, one of

* **rejected** — a required value is missing or unreadable (``rejects``: row, column, value, reason), or the
  reader could not split the row into the header's columns (ragged row);
* **set aside** — an exact duplicate of an earlier row of the same file, or a row already loaded from an
  earlier file (same ``row_hash``: next month's export overlapping this one);
* **loaded** — through ``sql/staging/<table>.sql`` into the canonical table.

so that ``rows_read = rows_loaded + rows_rejected + rows_set_aside`` for every file. Revenue reconciles:
``revenue_read`` (quantity × unit price, or the line total, over every line whose amount is readable) =
``revenue_loaded + revenue_set_aside + revenue_rejected + revenue_excluded_by_status``, all in
``DECIMAL(18,4)`` — never float sums.

A file with order numbers and dates but no products or prices (Olist's ``orders`` table) is an *orders
table*: loaded together with an order-lines file, it completes those lines (customer, date, status,
delivery dates) by order number; its rows count as loaded when some line used them.

One load is one transaction: all files or none. Identity resolution runs over the whole workspace before
commit; marts are rebuilt after.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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

from insights.db import first_row, quote_ident, sql_text
from insights.ingest import mapping as M
from insights.ingest import values as V
from insights.ingest.identity import normalise_phone, resolve_identities

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


def parse_field(fld: str, column: pa.Array, date_format=None):
    """(typed arrow array, unreadable mask, empty mask) for one mapped column.

    Order numbers, customer ids, prices and timestamps repeat a lot in a real export (Online Retail: 541,909
    lines, 25,900 invoices, 4,372 customers, 23,260 timestamps), so a long text column is parsed once per
    distinct value and the results are spread back over the rows. Date formats are decided on the whole
    column, number formats on its distinct values (the same evidence), so the outcome equals parsing every row.
    """
    typ = _field_type(fld)
    if typ in ("date", "number", "bool", "id") and len(column) >= DISTINCT_PARSE_MIN_ROWS \
            and pa.types.is_string(column.type):
        import pyarrow.compute as pc
        encoded = pc.dictionary_encode(column)
        if len(encoded.dictionary) <= len(column) // 4:
            if typ == "date" and date_format is None:
                date_format = V.detect_date_format(column)
            # the number format is read from the values that show it: the distinct values hold them all
            number_format = V.detect_number_format(encoded.dictionary) if typ == "number" else None
            values, bad, empty = _parse_values(fld, typ, encoded.dictionary, date_format, number_format)
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


# ----- the SQL of one file ----------------------------------------------------------------------------------
# (field, condition on _incoming, reason) in the order they are checked; the first failing one is reported
_CHECKS = {
    "transactions": [
        ("order_id", "f_order_id is null", "no order number"),
        ("ordered_at", "_bad_ordered_at", "order date is not a date Clueboard can read"),
        ("ordered_at", "f_ordered_at is null", "no order date"),
        ("quantity", "_bad_quantity", "quantity is not a number"),
        ("unit_price", "_bad_unit_price", "unit price is not an amount"),
        ("line_total", "_bad_line_total", "line total is not an amount"),
        ("unit_price", "f_revenue is null", "no price or amount"),
    ],
    "customers": [
        ("customer_id", "f_customer_id is null and f_email is null and f_phone is null",
         "no customer id, e-mail or phone"),
    ],
    "events": [
        ("event_at", "_bad_event_at", "event time is not a date Clueboard can read"),
        ("event_at", "f_event_at is null", "no event time"),
        ("event_name", "f_event_name is null", "no event name"),
    ],
    "feedback": [
        ("score", "_bad_score", "score is not a number"),
        ("score", "f_score is null and f_text is null", "no score and no comment"),
    ],
}
_STATUS_UNDONE = "(cancel|storn|annul|void|return|refund|retour)"


def _col(i: int, ncols: int) -> str:
    names = [f"c{j}" for j in range(ncols)]
    return quote_ident(f"c{i}", names)


class _Loader:
    def __init__(self, con, plans: Sequence, progress: Progress | None):
        self.con = con
        self.plans = plans
        self.progress = progress or (lambda f, m: None)
        self.order_headers: list[tuple] = []  # (plan, report) of orders tables in this batch

    # ---- staging one plan into the temp table _incoming --------------------------------------------
    def _stage(self, plan, report: FileReport) -> None:
        raw = plan.raw
        data = raw.data
        n, ncols = data.num_rows, data.num_columns
        kind = plan.kind
        rows = np.asarray(raw.source_rows, dtype=np.int64) if raw.source_rows is not None else np.arange(2, n + 2)
        arrays = [pa.array(np.arange(n, dtype=np.int64)), pa.array(rows, pa.int64())]
        names = ["_idx", "_row"]
        raw_columns = [data.column(i).combine_chunks() if data.column(i).num_chunks != 1 else data.column(i).chunk(0)
                       for i in range(ncols)]
        bad_notes = []
        for fld in M.FIELDS[kind]:
            idx = plan.mapping.get(fld)
            typ = _field_type(fld)
            if idx is None:
                arrays.append(pa.nulls(n, _ARROW_TYPES[typ]))
                names.append(f"f_{fld}")
                arrays.append(pa.array(np.zeros(n, dtype=bool)))
                names.append(f"_bad_{fld}")
                continue
            values, bad, empty = parse_field(fld, raw_columns[idx], plan.date_formats.get(fld))
            if fld == "phone":
                values = self._phones(values, plan, raw_columns)
            arrays.append(values)
            names.append(f"f_{fld}")
            arrays.append(pa.array(bad & ~empty))
            names.append(f"_bad_{fld}")
            unreadable = int((bad & ~empty).sum())
            if unreadable and not any(fld == c[0] for c in _CHECKS[kind]):
                bad_notes.append(f"{unreadable:,} values in column “{plan.columns[idx]}” could not be read as "
                                 f"{'dates' if typ == 'date' else 'numbers' if typ == 'number' else 'yes/no'} "
                                 "and were left empty (the rows are loaded)")
        if kind == "customers":
            arrays.append(pa.array(self._attributes(plan, data), pa.string()))
            names.append("_attributes")
        report.notes.extend(bad_notes)
        arrays.append(self._row_hashes(kind, data))
        names.append("_hash")
        table = pa.Table.from_arrays(arrays, names=names)
        con = self.con
        con.register("_incoming_arrow", table)
        try:
            con.execute("create or replace temp table _incoming as select * from _incoming_arrow")
        finally:
            con.unregister("_incoming_arrow")
        if kind == "transactions":
            self._derive_transactions(plan, report)
        if "email" in M.FIELDS[kind]:
            con.execute("update _incoming set f_email = lower(trim(f_email)) where f_email is not null")

    def _row_hashes(self, kind: str, data: pa.Table) -> pa.Array:
        """md5 of the kind and every cell of the row as read: equal rows, equal hashes (within and across files)."""
        ncols = data.num_columns
        self.con.register("_raw_arrow", data)
        try:
            hashed = ", ".join(f"coalesce({_col(i, ncols)}, '')" for i in range(ncols))
            # identifiers are the reader's generated c0..cN, checked by quote_ident; the kind is bound
            result = self.con.sql(f"select md5(concat_ws(chr(31), ?, {hashed})) as h from _raw_arrow",
                                  params=[kind]).to_arrow_table()
        finally:
            self.con.unregister("_raw_arrow")
        return result.column(0).combine_chunks()

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

    def _derive_transactions(self, plan, report: FileReport) -> None:
        con = self.con
        if plan.mapping.get("order_id") is None:
            # no order number column: one order per customer (or guest) per day
            con.execute("""update _incoming set f_order_id = coalesce(f_customer_id, f_email, 'guest') || '-'
                           || strftime(f_ordered_at, '%Y%m%d') where f_ordered_at is not null""")
            report.notes.append("The file has no order number: a customer's lines on one day make one order.")
        if plan.mapping.get("quantity") is None:
            con.execute("update _incoming set f_quantity = 1")
            report.notes.append("The file has no quantity column: each row counts as one item.")
        self._join_order_headers(report)
        con.execute("alter table _incoming add column f_revenue decimal(18,4)")
        con.execute("alter table _incoming add column _status_zeroed boolean default false")
        if plan.mapping.get("unit_price") is not None:
            con.execute("update _incoming set f_revenue = round(f_quantity * f_unit_price, 4)")
        elif plan.mapping.get("line_total") is not None:
            con.execute("""update _incoming set f_revenue = f_line_total,
                           f_unit_price = case when f_quantity is null or f_quantity = 0 then 0
                                               else round(f_line_total / f_quantity, 4) end""")
            report.notes.append("Amounts are line totals: unit price = line total ÷ quantity.")
        con.execute("update _incoming set _status_zeroed = true where f_quantity > 0 and f_revenue <> 0 "
                    "and regexp_matches(lower(coalesce(f_status, '')), ?)", [_STATUS_UNDONE])

    def _join_order_headers(self, report: FileReport) -> None:
        con = self.con
        if not con.execute("select count(*) from _order_headers").fetchall()[0][0]:
            return
        # the first orders table that knows an order wins; lines keep their own values where they have them
        con.execute("""update _incoming as l set
                f_ordered_at = coalesce(l.f_ordered_at, h.f_ordered_at),
                f_customer_id = coalesce(l.f_customer_id, h.f_customer_id),
                f_email = coalesce(l.f_email, h.f_email),
                f_phone = coalesce(l.f_phone, h.f_phone),
                f_status = coalesce(l.f_status, h.f_status),
                f_channel = coalesce(l.f_channel, h.f_channel),
                f_country = coalesce(l.f_country, h.f_country),
                f_currency = coalesce(l.f_currency, h.f_currency),
                f_delivered_at = coalesce(l.f_delivered_at, h.f_delivered_at),
                f_promised_at = coalesce(l.f_promised_at, h.f_promised_at)
            from _order_headers as h
            where h.f_order_id = l.f_order_id""")
        matched = con.execute("""select count(*) from _incoming l
                                 where l.f_order_id in (select f_order_id from _order_headers)""").fetchall()[0][0]
        con.execute("insert into _order_ids_used select distinct f_order_id from _incoming "
                    "where f_order_id in (select f_order_id from _order_headers)")
        names = ", ".join(p.name for p, _ in self.order_headers)
        report.notes.append(f"{matched:,} lines completed (customer, date, status, delivery) from the orders "
                            f"table {names}.")

    # ---- classification of rows -------------------------------------------------------------------
    def _classify(self, plan, report: FileReport, table: str) -> None:
        """Adds _reason/_reject_col/_reject_idx (rejects), _aside (set-aside reason) and _keep to _incoming.

        Only the rows concerned are updated, so a clean million-row file costs two cheap passes.
        """
        con = self.con
        checks = _CHECKS[plan.kind]
        if plan.role == "orders":
            checks = [c for c in _CHECKS["transactions"] if c[0] in ("order_id", "ordered_at")]
        for column, typ in (("_reason", "varchar"), ("_reject_col", "varchar"), ("_reject_idx", "integer"),
                            ("_aside", "varchar")):
            con.execute(f"alter table _incoming add column {column} {typ}")  # fixed names
        cases, params = [], []
        for fld, cond, reason in checks:
            # cond comes from the fixed _CHECKS list; the reason and the column's header are bound values
            idx = plan.mapping.get(fld)
            cases.append(f"when {cond} then struct_pack(reason := ?::varchar, col := ?::varchar, idx := ?::integer)")
            params += [reason, plan.columns[idx] if idx is not None else M.FIELD_LABELS[fld], idx]
        any_failing = " or ".join(f"coalesce({cond}, false)" for _, cond, _ in checks)
        con.execute(f"""update _incoming set _reason = r.reason, _reject_col = r.col, _reject_idx = r.idx
            from (select _idx as i, unnest(case {' '.join(cases)} end) from _incoming where {any_failing}) as r
            where _incoming._idx = r.i""", params)
        # set aside: exact duplicates within the file, then rows already in the workspace
        con.execute("""update _incoming set _aside = 'exact duplicate of row ' || d.first_row
            from (select _hash, min(_row) as first_row from _incoming where _reason is null
                  group by _hash having count(*) > 1) as d
            where _incoming._hash = d._hash and _incoming._reason is null and _incoming._row > d.first_row""")
        if con.execute("select count(*) from _prior_hashes").fetchall()[0][0]:
            con.execute("""update _incoming set _aside = 'already loaded from ' || p.file_name
                from _prior_hashes as p
                where _incoming._hash = p.row_hash and _incoming._reason is null and _incoming._aside is null""")
        con.execute("alter table _incoming add column _keep boolean")
        con.execute("update _incoming set _keep = _reason is null and _aside is null")

    def _insert_rejects(self, plan, fid: str) -> None:
        """One rejects row per rejected row: its row number, the column, the value as written, the reason."""
        con = self.con
        rejected = con.execute("""select _idx, _row, _reject_col, _reject_idx, _reason from _incoming
                                  where _reason is not null order by _row""").fetchall()
        if not rejected:
            return
        data = plan.raw.data
        rows = []
        for idx, row, col, col_idx, reason in rejected:
            value = data.column(col_idx)[idx].as_py() if col_idx is not None else None
            rows.append((fid, row, col, None if value is None else str(value)[:500], reason))
        frame = pd.DataFrame(rows, columns=["file_id", "source_row", "column_name", "value", "reason"])
        con.register("_rejects_frame", frame)
        try:
            con.execute("insert into rejects select * from _rejects_frame")
        finally:
            con.unregister("_rejects_frame")

    def _prior_hashes(self, table: str) -> None:
        # fixed table name from TABLE_FOR_KIND
        self.con.execute(f"""create or replace temp table _prior_hashes as
            select t.row_hash, min(coalesce(f.name, t.source_file)) as file_name
            from "{table}" t left join files f on f.file_id = t.source_file
            where t.row_hash is not null group by t.row_hash""")

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
        report.file_id = "f" + plan.sha256[:15] + uuid.uuid4().hex[:4]
        table = TABLE_FOR_KIND[plan.kind]
        self._stage(plan, report)
        self._prior_hashes(table)
        self._classify(plan, report, table)
        fid = report.file_id
        # rejects: ragged rows from the reader, then unreadable required values
        if ragged:
            con.executemany("insert into rejects values (?, ?, ?, ?, ?)",
                            [(fid, _ragged_row(r), None, _ragged_value(r), _ragged_reason(r)) for r in ragged])
        self._insert_rejects(plan, fid)
        con.execute("""insert into set_aside select ?, _row, _aside from _incoming
                       where _aside is not null order by _row""", [fid])
        reasons = dict(con.execute("select _reason, count(*) from _incoming where _reason is not null "
                                   "group by 1 order by 2 desc").fetchall())
        for r in ragged:
            key = _ragged_reason(r)
            reasons[key] = reasons.get(key, 0) + 1
        report.rejected_by_reason = reasons
        report.rows_rejected = sum(reasons.values())
        aside = con.execute("""select case when _aside like 'exact duplicate%' then 'exact duplicate of an earlier row'
                                           else _aside end, count(*)
                               from _incoming where _aside is not null group by 1 order by 2 desc""").fetchall()
        report.set_aside_by_reason = dict(aside)
        report.rows_set_aside = sum(report.set_aside_by_reason.values())
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
        first_id = con.execute(f'select coalesce(max("{ID_COLUMN[table]}"), 0) + 1 from "{table}"').fetchall()[0][0]
        params = {"file_id": fid, "first_line_id": first_id}
        if plan.kind == "feedback":
            params["default_kind"] = self._default_feedback_kind()
        con.execute(f'insert into "{table}" ' + sql_text(f"staging/{table}.sql"), params)
        report.rows_loaded = con.execute("select count(*) from _incoming where _keep").fetchall()[0][0]
        if plan.kind == "transactions":
            money = con.execute("""select
                    coalesce(sum(f_revenue), 0),
                    coalesce(sum(f_revenue) filter (where _keep and not _status_zeroed), 0),
                    coalesce(sum(f_revenue) filter (where _aside is not null), 0),
                    coalesce(sum(f_revenue) filter (where _reason is not null), 0),
                    coalesce(sum(f_revenue) filter (where _keep and _status_zeroed), 0),
                    mode(upper(f_currency))
                from _incoming""").fetchall()[0]
            (report.revenue_read, report.revenue_loaded, report.revenue_set_aside, report.revenue_rejected,
             report.revenue_excluded_by_status) = (Decimal(m) for m in money[:5])
            report.currency = money[5]
            if report.revenue_excluded_by_status:
                report.notes.append(f"{report.revenue_excluded_by_status:,.2f} of lines whose status says cancelled "
                                    "or returned is not counted as revenue.")
        return report

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
def load_prepared(ws, plans: Sequence, progress: Progress | None = None) -> IngestReport:
    """Load prepared files (see :func:`insights.ingest.prepare_file`) into ``ws`` in one transaction."""
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
        loader = _Loader(con, ordered, progress)
        con.execute("create or replace temp table _order_ids_used (order_id varchar)")
        con.execute("""create or replace temp table _order_headers_all (_file varchar, _row bigint, _keep boolean,
            f_order_id varchar, f_ordered_at timestamp, f_customer_id varchar, f_email varchar, f_phone varchar,
            f_status varchar, f_channel varchar, f_country varchar, f_currency varchar,
            f_delivered_at timestamp, f_promised_at timestamp)""")
        con.execute("create or replace temp table _order_headers as select * from _order_headers_all")
        total = max(sum(p.raw.data.num_rows for p in plans), 1)
        done = 0
        for plan in ordered:
            progress(done / total * 0.8, f"Loading {plan.name}…")
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
        progress(0.85, "Matching customers across files…")
        identity = resolve_identities(con)
        for tmp in ("_incoming", "_prior_hashes", "_order_headers", "_order_headers_all", "_order_ids_used"):
            con.execute(f"drop table if exists {tmp}")  # fixed names
        progress(0.92, "Building summaries…")
        ws.build_marts_in(con)       # the same transaction: data and marts reach the file together
    progress(1.0, "Done")
    return IngestReport([reports[id(p)] for p in plans], workspace_summary(ws), identity)


def workspace_summary(ws) -> dict:
    row = ws.con.execute("""select
            (select count(*) from customers),
            (select count(*) from orders where is_order),
            (select count(*) from order_lines),
            (select coalesce(sum(revenue), 0) from order_lines),
            (select count(*) from customer_records),
            (select count(*) from events),
            (select count(*) from feedback),
            (select min(ordered_at) from order_lines),
            (select max(ordered_at) from order_lines),
            (select count(*) from orders where is_order and is_guest)""").fetchall()[0]
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
