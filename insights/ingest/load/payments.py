"""A payments table (order number, payment type, instalments, value — Olist's ``olist_order_payments_dataset``)
loaded as order attributes and reconciled against the items and freight of the orders it pays.

The lines of the same upload (classified before it: payments load last) leave their money per order in the temp
table ``_batch_line_money`` (items at their price before any cancellation, freight from the ``freight`` attribute);
the lines already in the workspace count too. The file report's ``reconciliation`` gives the totals and how many
orders differ by more than a cent, so the owner can see what the payments add (instalment interest, vouchers) or
miss.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa

from insights.ingest.load.report import FileReport
from insights.ingest.load.rules import KEEP

CENT = Decimal("0.01")


def create_table(con) -> None:
    con.execute("create or replace temp table _batch_line_money (order_id varchar, items decimal(18,4), "
                "freight decimal(18,4))")


def drop_table(con) -> None:
    con.execute("drop table if exists _batch_line_money")


def _keys(staged) -> pa.Table:
    return pa.table({"_idx": pa.array(np.arange(staged.n, dtype=np.int64)), "order_id": staged.columns["f_order_id"],
                     "_keep": pa.array(staged.state == KEEP)})


def remember_line_money(con, staged) -> None:
    """A lines file's items (price × quantity, before cancellations) and freight per order, from ``_incoming``."""
    con.execute("insert into _batch_line_money select f_order_id, sum(f_revenue), 0 from _incoming "
                "where _keep group by f_order_id")
    attrs = staged.attributes
    if attrs is None or not attrs.num_rows:
        return
    con.register("_line_attributes", attrs)
    con.register("_line_keys", _keys(staged))
    try:
        con.execute("""insert into _batch_line_money select k.order_id, 0, sum(try_cast(a.value as decimal(18,4)))
                       from _line_attributes a join _line_keys k using (_idx)
                       where a.name = 'freight' and k._keep group by k.order_id""")
    finally:
        con.unregister("_line_attributes")
        con.unregister("_line_keys")


def reconcile_payments(con, staged, report: FileReport) -> None:
    """The payments file's value per order against its orders' items + freight (this upload's lines and the
    workspace's), into ``report.reconciliation`` and a note."""
    attrs = staged.attributes
    con.register("_payment_attributes", attrs)
    con.register("_payment_keys", _keys(staged))
    try:
        row = con.execute("""
            with paid as (
                select k.order_id, sum(try_cast(a.value as decimal(18,4))) as paid
                from _payment_attributes a join _payment_keys k using (_idx)
                where a.name = 'payment_value' and k._keep and k.order_id is not null
                group by k.order_id),
            stored as (
                select l.order_id, sum(l.quantity * l.unit_price) as items, 0 as freight from order_lines l
                group by l.order_id
                union all
                select order_id, 0, sum(try_cast(value as decimal(18,4))) from order_attributes
                where name = 'freight' group by order_id),
            lines as (
                select order_id, sum(items) as items, sum(freight) as freight
                from (select * from _batch_line_money union all select * from stored) group by order_id),
            joined as (
                select p.order_id, p.paid, l.items, l.freight from paid p left join lines l using (order_id))
            select count(*), coalesce(sum(paid), 0),
                   count(items), coalesce(sum(paid) filter (where items is not null), 0),
                   coalesce(sum(items), 0), coalesce(sum(freight), 0),
                   count(*) filter (where items is not null and abs(paid - items - freight) > 0.01),
                   coalesce(sum(paid - items - freight) filter (where items is not null), 0),
                   coalesce(sum(paid) filter (where items is null), 0)
            from joined""").fetchall()[0]
    finally:
        con.unregister("_payment_attributes")
        con.unregister("_payment_keys")
    orders, paid, with_lines, paid_with_lines, items, freight, differ, difference, paid_without = row
    money = [Decimal(v).quantize(CENT) for v in (paid, paid_with_lines, items, freight, difference, paid_without)]
    # amounts to the cent as plain numbers (the report is stored and printed as JSON)
    report.reconciliation = {
        "orders_paid": orders, "payments_total": float(money[0]), "orders_with_lines": with_lines,
        "payments_of_orders_with_lines": float(money[1]), "items_total": float(money[2]),
        "freight_total": float(money[3]), "orders_that_differ": differ, "difference": float(money[4]),
        "orders_without_lines": orders - with_lines, "payments_of_orders_without_lines": float(money[5])}
    report.reconciliation["summary"] = (
        f"Payments loaded as order attributes (payment type, instalments, value). {with_lines:,} of the "
        f"{orders:,} orders paid have lines: paid {money[1]:,.2f} against items {money[2]:,.2f} + freight "
        f"{money[3]:,.2f} (difference {money[4]:,.2f}; {differ:,} orders differ by more than a cent)."
        + (f" {orders - with_lines:,} orders paid ({money[5]:,.2f}) have no lines in the workspace."
           if orders > with_lines else ""))
    report.notes.append(report.reconciliation["summary"])
