"""A customer's name from an order file (issue 10): `Customer Name` (Square, Lightspeed), `Billing Name` (Shopify),
`Full Name` (Etsy) fill the customers' name where no customer list gives one; the latest order's name counts; a
CRM's name wins; an erasure removes it with the rest of the person."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from insights.core.workspace import Workspace
from insights.ingest import ingest_files
from insights.privacy.erasure import erase

CORPUS = Path(__file__).parent / "vendor_exports"
ORDERS = ("Order ID,Order Date,Customer ID,Customer Name,Product,Quantity,Unit price\n"
          "A1,2024-01-05,C1,Anna Smit,Mug,1,10.00\nA2,2024-03-02,C1,Anna Smit-de Vries,Mug,1,10.00\n"
          "A3,2024-02-11,C2,Bram Jansen,Teapot,1,25.00\nA4,2024-02-12,C3,,Teapot,1,25.00\n")


def _names(ws) -> dict:
    return dict(ws.con.execute("select customer_id, name from customers").fetchall())


def test_order_files_name_their_customers_and_a_crm_name_wins(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    ws = Workspace.in_memory()
    report = ingest_files(ws, [orders])
    assert report.files[0].mapping["name"] == "Customer Name"
    names = _names(ws)
    assert [names[c] for c in ("C1", "C2", "C3")] == ["Anna Smit-de Vries", "Bram Jansen", None]
    crm = tmp_path / "crm.csv"
    crm.write_text("Customer ID,Full name,Email\nC2,Bram Jansen-Post,bram@example.com\n", encoding="utf-8")
    ingest_files(ws, [crm])
    assert _names(ws)["C2"] == "Bram Jansen-Post"
    erase(ws, customer_id="C1")
    assert ws.con.execute("select count(*) from order_lines where customer_name like 'Anna%'").fetchall() == [(0,)]
    ws.close()


def test_vendor_order_files_give_every_named_buyer_a_name():
    ws = Workspace.in_memory()
    ingest_files(ws, [CORPUS / "square_items.csv"])
    raw = pd.read_csv(CORPUS / "square_items.csv", dtype=str, keep_default_na=False)
    raw = raw[(raw["Customer ID"] != "") & (raw["Customer Name"] != "")]
    expected = raw.groupby("Customer Name")["Customer ID"].first()
    stored = ws.con.execute("select name, count(*) from customers where name is not null group by 1").fetchall()
    assert {n for n, _ in stored} == set(expected.index) and all(k == 1 for _, k in stored)
    ws.close()
