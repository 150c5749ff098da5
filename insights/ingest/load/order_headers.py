"""Orders tables: a file with order numbers and dates but no products or prices (Olist's ``orders`` table).

Loaded together with an order-lines file, it completes those lines (customer, status, delivery dates) by order
number and dates them: the orders file's purchase date wins over any date on the lines (Olist's items carry only
the seller's shipping deadline, ``shipping_limit_date``, which is kept as a line attribute instead). Its rows
count as loaded when some line used them, the others are set aside; its other columns that describe the order
(approval, carrier and delivery dates…) are kept as order attributes of the orders used. The orders tables of
one upload are read first (see :func:`~insights.ingest.load.batch.load_prepared`) into the temp tables
``_order_headers_all`` (every row) and ``_order_headers`` (the first kept row of each order number); the line
files then take what they lack from them, and ``_order_ids_used`` remembers which orders were used.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.load.attributes import insert_attributes
from insights.ingest.mapping.date_roles import date_role

# the order-header fields a line file may lack and an orders table of the same batch can complete
_HEADER_FIELDS = ("ordered_at", "customer_id", "email", "phone", "status", "channel", "country", "currency",
                  "delivered_at", "promised_at", "name")


class OrderHeaders:
    """The orders tables of one upload, inside the caller's transaction: ``files`` holds their (plan, report)."""

    def __init__(self, con):
        self.con = con
        self.files: list[tuple] = []     # (plan, report, staged)
        self.refunds: dict[str, object] = {}   # order id -> refund an orders table wrote (see load.vendor_rows)

    def create_tables(self) -> None:
        con = self.con
        con.execute("create or replace temp table _order_ids_used (order_id varchar)")
        con.execute("""create or replace temp table _order_headers_all (_file varchar, _row bigint, _keep boolean,
            f_order_id varchar, f_ordered_at timestamp, f_customer_id varchar, f_email varchar, f_phone varchar,
            f_status varchar, f_channel varchar, f_country varchar, f_currency varchar,
            f_delivered_at timestamp, f_promised_at timestamp, f_name varchar)""")
        con.execute("create or replace temp table _order_headers as select * from _order_headers_all")

    def drop_tables(self) -> None:
        for tmp in ("_order_headers", "_order_headers_all", "_order_ids_used"):
            self.con.execute(f"drop table if exists {tmp}")  # fixed names

    def add(self, plan, report, staged) -> None:
        """An orders table's classified rows (the view ``_incoming``) become order headers for the lines after it."""
        con = self.con
        con.execute("""insert into _order_headers_all select ?, _row, _keep, f_order_id, f_ordered_at,
                f_customer_id, f_email, f_phone, f_status, f_channel, f_country, f_currency, f_delivered_at,
                f_promised_at, f_name from _incoming""", [report.file_id])
        con.execute("""create or replace temp table _order_headers as select * from _order_headers_all
                       where _keep qualify row_number() over (partition by f_order_id order by _row) = 1""")
        self.files.append((plan, report, staged))
        report.notes.append("Orders table (no products or prices): used to date and complete the order lines "
                            "loaded with it.")

    def date_column(self) -> str:
        """The orders tables' order-date column and file, for the reports (``order_purchase_timestamp (…)``)."""
        return "; ".join(f"{p.columns[p.mapping['ordered_at']]} ({p.name})" for p, _, _ in self.files)

    def complete(self, report, staged) -> None:
        """Lines of an orders-table batch take what they lack (date, customer, status…) from the orders table."""
        con = self.con
        if not con.execute("select count(*) from _order_headers").fetchall()[0][0]:
            return
        cols = staged.columns
        lines = pa.table({"_idx": pa.array(np.arange(staged.n, dtype=np.int64)), "f_order_id": cols["f_order_id"],
                          **{f"f_{f}": cols[f"f_{f}"] for f in _HEADER_FIELDS}})
        # the first orders table that knows an order wins; lines keep their own values where they have them,
        # except the order date: the orders table's purchase date dates the order
        filled = ", ".join(f"coalesce(h.f_{f}, l.f_{f}) as f_{f}" if f == "ordered_at" else
                           f"coalesce(l.f_{f}, h.f_{f}) as f_{f}" for f in _HEADER_FIELDS)  # fixed names
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
        names = ", ".join(p.name for p, _, _ in self.files)
        report.notes.append(f"{matched:,} lines completed (customer, date, status, delivery) from the orders "
                            f"table {names}.")
        own = report.order_date_column
        if matched:
            report.order_date_column = self.date_column() + (
                f"; {staged.n - matched:,} lines not in it: {own}" if own and matched < staged.n else "")
            report.notes.append(f"Orders are dated by {self.date_column()}" + (
                f", not by this file's “{own}”" + (", which is kept as an attribute of each line."
                                                    if date_role(own) else ".") if own else "."))

    def finish(self) -> None:
        """Orders tables: rows some line used count as loaded; the others are set aside."""
        con = self.con
        reason = "order has no lines in the files loaded with it"
        for plan, report, staged in self.files:
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
            insert_attributes(con, staged.attributes, staged, fid, None, used_orders=True)
