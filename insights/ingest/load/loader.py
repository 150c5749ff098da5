"""The loader of one upload: each prepared file read into typed columns, classified and accounted for, then —
once identities are resolved over all of them — its kept rows inserted into its canonical table."""

from __future__ import annotations

import concurrent.futures
import json
import uuid
from decimal import Decimal
from typing import Callable, Sequence

from insights.core.db import cursor, first_row, sql_text
from insights.ingest.load import catalog, payments
from insights.ingest.load.accounting import account_rows
from insights.ingest.load.attributes import attribute_columns, attribute_table, insert_attributes
from insights.ingest.load.classify import classify
from insights.ingest.load.hashing import hash_rows
from insights.ingest.load.incoming import register, unregister
from insights.ingest.load.order_headers import OrderHeaders
from insights.ingest.load.report import FileReport
from insights.ingest.load.rules import ID_COLUMN, REJECTED, SET_ASIDE, TABLE_FOR_KIND
from insights.ingest.load.shopify import store_order_money
from insights.ingest.load.spend import account_spend
from insights.ingest.load.spend_twice import set_aside_spent_twice
from insights.ingest.load.stage import stage
from insights.ingest.mapping.fields import FIELDS
from insights.ingest.values.labels import LabelBook


class Loader:
    """Loads one plan at a time inside the caller's transaction.

    The parsed file stays an Arrow table from parsing to insert: rows are classified with numpy masks, the row
    hashes and duplicates come from one DuckDB query over the raw cells, and ``sql/staging/<table>.sql`` reads
    the typed table through the temp view ``_incoming`` (which adds revenue, the status flag and the hash). No
    temp table is written and no row is updated.
    """

    def __init__(self, con, plans: Sequence, set_aside_identical: bool = False):
        self.con = con
        self.set_aside_identical = set_aside_identical  # also identical rows of files without an order/event id
        self.order_headers = OrderHeaders(con)  # the orders tables of this batch
        self.pending: list[tuple] = []        # (plan, staged, report) classified, waiting for identity resolution
        self.later_files: dict[str, int] = {}  # canonical table -> files of this batch not yet classified
        self.has_payments = any(p.role == "payments" for p in plans)
        self.spend_seen: dict = {}            # (month, campaign) -> the spend groups of this batch's earlier files
        # one spelling per channel, country, status, device and category across the workspace and this upload
        self.labels = LabelBook(lambda: con.execute(sql_text("queries/ingest/labels/stored_labels.sql")).fetchall())
        for plan in plans:
            if plan.role not in ("orders", "payments"):
                table = TABLE_FOR_KIND[plan.kind]
                self.later_files[table] = self.later_files.get(table, 0) + 1

    def create_tables(self) -> None:
        """The batch's temp tables: order headers, the new rows' customer keys and row hashes."""
        self.order_headers.create_tables()
        payments.create_table(self.con)
        self.con.execute(sql_text("staging/order_line_flags.sql"))   # macros: the checks and staging SQL use them
        self.con.execute("create or replace temp table _batch_keys (cid varchar, ref varchar, email varchar, "
                         "phone varchar, crm integer)")
        self.con.execute("create or replace temp table _batch_hashes (tbl varchar, h uuid, file_name varchar)")

    def drop_tables(self) -> None:
        self.order_headers.drop_tables()
        payments.drop_table(self.con)
        catalog.drop_table(self.con)
        for tmp in ("_batch_keys", "_batch_hashes"):
            self.con.execute(f"drop table if exists {tmp}")  # fixed names

    def load_plan(self, plan) -> FileReport:
        """First step: the file parsed, classified and accounted for; its kept rows wait in ``pending``."""
        con = self.con
        raw = plan.raw
        report = FileReport(
            path=str(plan.path) if plan.path else None, name=plan.name, kind=plan.kind, format=raw.format,
            encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet, date_order=plan.date_order,
            mapping={f: plan.columns[i] for f, i in plan.mapping.items() if i is not None}, role=plan.role,
            date_formats={plan.columns[plan.mapping[f]]: getattr(fmt, "label", str(fmt))
                          for f, fmt in plan.date_formats.items() if plan.mapping.get(f) is not None})
        report.notes.extend(n for n in list(raw.notes or []) + list(plan.notes) + list(plan.needs_confirmation)
                            if n not in report.notes)
        if plan.kind == "transactions" and plan.mapping.get("ordered_at") is not None:
            report.order_date_column = plan.columns[plan.mapping["ordered_at"]]
        ragged = list(raw.rejected or [])
        report.rows_read = raw.data.num_rows + len(ragged)
        if self._loaded_before(plan, report):
            return report
        report.file_id = "f" + plan.sha256[:15] + uuid.uuid4().hex[:4]
        table = TABLE_FOR_KIND[plan.kind]
        hash_cursor = cursor(con)       # made here: making it in the worker would race this thread's queries
        try:
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                hashing = pool.submit(hash_rows, hash_cursor, plan)
                staged = stage(plan, report, self.order_headers)
                self.labels.normalise_columns(FIELDS[plan.kind], staged.columns)
                staged.hash_hi, staged.hash_lo = hashing.result()
        finally:
            hash_cursor.close()
        if plan.kind == "spend":
            set_aside_spent_twice(con, plan, staged, report, self.spend_seen)
        classify(con, plan, staged, table, self.set_aside_identical)
        account_rows(con, plan, staged, ragged, report)
        if plan.kind == "catalog":
            catalog.report_replaced(con, plan, staged, report)
        kept_as = attribute_columns(plan)
        report.attributes = list(dict.fromkeys(c.header for c in kept_as))
        staged.attributes = attribute_table(plan, staged, kept_as)
        if plan.role == "payments":
            payments.reconcile_payments(con, staged, report)
            insert_attributes(con, staged.attributes, staged, report.file_id, None)
            return report
        register(con, plan, staged)
        try:
            if plan.role == "orders":
                self.order_headers.add(plan, report, staged)
                return report
            self._batch_keys(plan)
            if self.later_files.get(table, 0) > 1:     # a later file of this batch must see these rows as loaded
                con.execute(f"""insert into _batch_hashes select ?, _hash, ? from _incoming where _keep""",
                            [table, plan.name])
            if plan.kind == "transactions":
                self._money(report)
                store_order_money(con, plan, report)
                if self.has_payments:
                    payments.remember_line_money(con, staged)
            if plan.kind == "spend":
                account_spend(con, report)
        finally:
            unregister(con)
        self.later_files[table] = self.later_files.get(table, 0) - 1
        self.pending.append((plan, staged, report))
        return report

    def _loaded_before(self, plan, report: FileReport) -> bool:
        """This exact file is in the workspace already: every row is set aside, nothing changes."""
        con = self.con
        prior = first_row(con.execute("select file_id, name from files where sha256 = ?", [plan.sha256]))
        if not prior:
            return False
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
        return True

    def _batch_keys(self, plan) -> None:
        """The customer keys of the rows about to be inserted, for identity resolution (see ``identity._KEYS_SQL``)."""
        if "customer_id" not in FIELDS[plan.kind]:
            return      # a catalog names no customer
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
            register(con, plan, staged, identity=True)
            try:
                first_id = con.execute(f'select coalesce(max("{ID_COLUMN[table]}"), 0) + 1 from "{table}"').fetchall()[0][0]
                params = {"file_id": report.file_id, "first_line_id": first_id}
                if plan.kind == "feedback":
                    params["default_kind"] = self._default_feedback_kind()
                con.execute(f'insert into "{table}" ' + sql_text(f"staging/{table}.sql"), params)
                if staged.attributes is not None:
                    insert_attributes(con, staged.attributes, staged, report.file_id, first_id)
            finally:
                unregister(con)
        self.pending.clear()

    def _money(self, report: FileReport) -> None:
        money = self.con.execute("""select
                coalesce(sum(f_revenue), 0),
                coalesce(sum(f_revenue - _refund) filter (where _keep and not _status_zeroed), 0),
                coalesce(sum(f_revenue) filter (where _state = $aside), 0),
                coalesce(sum(f_revenue) filter (where _state = $rejected), 0),
                coalesce(sum(f_revenue) filter (where _keep and _status_zeroed), 0),
                coalesce(sum(_refund) filter (where _keep and not _status_zeroed), 0),
                mode(upper(f_currency))
            from _incoming""", {"aside": SET_ASIDE, "rejected": REJECTED}).fetchall()[0]
        (report.revenue_read, report.revenue_loaded, report.revenue_set_aside, report.revenue_rejected,
         report.revenue_excluded_by_status, report.revenue_refunded) = (Decimal(m) for m in money[:6])
        report.currency = money[6]
        if report.revenue_excluded_by_status:
            report.notes.append(f"{report.revenue_excluded_by_status:,.2f} of lines whose status says cancelled "
                                "or returned is not counted as revenue.")

    def _default_feedback_kind(self) -> str:
        top = self.con.execute("select max(f_score) from _incoming where _keep").fetchall()[0][0]
        return "nps" if top is not None and top > 5 else "review"

    def finish_order_headers(self) -> None:
        """Orders tables: rows some line used count as loaded; the others are set aside."""
        self.order_headers.finish()
