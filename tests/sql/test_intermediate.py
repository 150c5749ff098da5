"""Data tests of the intermediate tables: keys, nulls and the money identity, on the sample shop."""

from __future__ import annotations

from decimal import Decimal


def test_customer_order_days_keys_and_money(sample_workspace):
    con = sample_workspace.con
    rows, distinct, null_keys = con.execute(
        "select count(*), count(distinct (customer_id, order_date)), "
        "count(*) filter (where customer_id is null or order_date is null) from customer_order_days").fetchall()[0]
    assert rows > 1000 and rows == distinct and null_keys == 0
    # one first day per customer (gap null), every later day has a positive gap
    firsts, customers, bad = con.execute(
        "select count(*) filter (where gap_days is null), count(distinct customer_id), "
        "count(*) filter (where gap_days <= 0) from customer_order_days").fetchall()[0]
    assert firsts == customers and bad == 0
    # spend = net revenue of the identified customers' orders on days with at least one real order
    expected = con.execute(
        "select sum(net_revenue) from orders o where customer_id is not null and exists (select 1 from orders p "
        "where p.customer_id = o.customer_id and p.order_date = o.order_date and p.is_order)").fetchall()[0][0]
    spend = con.execute("select sum(spend) from customer_order_days").fetchall()[0][0]
    assert abs(Decimal(str(spend)) - expected) < Decimal("0.01")
