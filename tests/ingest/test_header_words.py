"""Columns are matched by their words, whatever qualifier a shop system puts around them; a person's name or the
staff member who served is never the customer id; a contact value missing in its column comes from a qualified
copy of it; ids keep no spreadsheet apostrophe."""

from __future__ import annotations

import pytest

from insights.ingest import ingest_files, prepare_file
from insights.ingest.mapping.words import header_cores


@pytest.mark.parametrize("header, core", [
    ("Billing: Email", "Email"), ("customer.email", "email"), ("Email (Billing)", "Email"),
    ("Default Address City", "City"), ("Ship Country", "Country"), ("Lineitem price", "price"),
])
def test_a_header_without_its_qualifier(header, core):
    assert core in header_cores(header)


def test_an_order_total_is_not_a_qualified_line_amount():
    assert header_cores("Order Total") == [] and header_cores("Shipping") == []


@pytest.mark.parametrize("email_header", ["Billing: Email", "customer.email", "Email (Billing)"])
def test_prefixed_and_suffixed_headers_map(tmp_path, email_header):
    path = tmp_path / "orders.csv"
    path.write_text(f"Order Number,Order Date,{email_header},Shipping: Country,Lineitem price,Qty\n"
                    "1001,2024-03-01,ann@example.com,NL,12.50,2\n", encoding="utf-8")
    plan = prepare_file(path)
    assert plan.kind == "transactions"
    assert plan.mapping_by_header()["email"] == email_header
    assert plan.mapping_by_header()["country"] == "Shipping: Country"
    assert plan.mapping_by_header()["unit_price"] == "Lineitem price"


@pytest.mark.parametrize("staff", ["User", "Staff", "Employee", "Cashier", "Served by"])
def test_the_person_who_served_is_never_the_customer(tmp_path, staff):
    path = tmp_path / "till.csv"
    path.write_text(f"Receipt Number,Date,{staff},Item,Quantity,Price\n"
                    "R1,2024-03-01,Eleanor,Vase,1,22.00\nR2,2024-03-02,Eleanor,Candle,2,7.00\n", encoding="utf-8")
    plan = prepare_file(path)
    assert plan.kind == "transactions" and plan.mapping.get("customer_id") is None


def test_names_are_a_name_not_an_id(tmp_path, tmp_workspace):
    orders = tmp_path / "orders.csv"
    orders.write_text("Order #,Date,Customer,Net sales\n"
                      "1,2024-03-01,Sophie Peeters,10.00\n2,2024-03-02,Max Neumann,12.00\n"
                      "3,2024-03-03,Lotte de Graaf,9.00\n", encoding="utf-8")
    plan = prepare_file(orders)
    assert plan.mapping.get("customer_id") is None
    assert any("people's names" in n for n in plan.notes)
    people = tmp_path / "people.csv"
    people.write_text("Customer,E-mail\nSophie Peeters,sophie@example.com\nMax Neumann,max@example.com\n",
                      encoding="utf-8")
    plan = prepare_file(people, kind="customers")
    assert plan.mapping_by_header().get("name") == "Customer" and plan.mapping.get("customer_id") is None


def test_phone_from_the_default_address_and_ids_without_apostrophe(tmp_path, tmp_workspace):
    path = tmp_path / "customers.csv"
    path.write_text("Customer ID,Email,Default Address Phone,Phone,Default Address Country Code\n"
                    "'7401000000000,a@example.com,'+31612340001,,NL\n"
                    "'7401000000001,b@example.com,'+31612340002,'+31612340009,NL\n", encoding="utf-8")
    report = ingest_files(tmp_workspace, [path])
    assert report.files[0].rows_loaded == 2
    rows = tmp_workspace.con.execute("select source_customer_id, phone, country from customer_records "
                                     "order by source_row").fetchall()
    assert rows == [("7401000000000", "+31612340001", "Netherlands"), ("7401000000001", "+31612340009", "Netherlands")]
