"""Kind detection, column mapping by name and by content, mapping memory, the plan's editing methods."""

import pytest

from insights.ingest import prepare_file
from insights.ingest.mapping import ColumnProfile, detect_kind, layout_signature, normalise_header, propose

ORDERS = ("Order ID,Order Date,Customer ID,Customer Email,SKU,Product,Category,Quantity,Unit Price,Currency,"
          "Channel,Country,Status,Promised Date,Delivered Date\n"
          "A1,2024-01-05,c1,a@x.com,S1,Mug,Kitchen,2,9.99,EUR,web,DE,delivered,2024-01-09,2024-01-08\n")


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _named(plan):
    return plan.mapping_by_header()


@pytest.mark.parametrize("header, field", [
    ("Order ID", "order_id"), ("InvoiceNo", "order_id"), ("order_number", "order_id"), ("Invoice", "order_id"),
    ("Customer ID", "customer_id"), ("CustomerID", "customer_id"), ("customer_unique_id", "customer_id"),
    ("E-mail", "email"), ("Qty", "quantity"), ("Quantity", "quantity"), ("UnitPrice", "unit_price"),
    ("Price", "unit_price"), ("Unit Price", "unit_price"), ("InvoiceDate", "ordered_at"),
    ("order_purchase_timestamp", "ordered_at"), ("Description", "product_name"), ("StockCode", "product_id"),
    ("SKU", "product_id"), ("Country", "country"), ("Channel", "channel"), ("Status", "status"),
    ("Bestellnummer", "order_id"), ("Menge", "quantity"), ("Line Total", "line_total"),
])
def test_transaction_headers_map_by_name(header, field):
    headers = ["Order Date", header] if field != "ordered_at" else [header]
    proposal = propose(headers, "transactions", [], has_header=True)
    assert proposal.mapping[field] == headers.index(header)


@pytest.mark.parametrize("kind, header, field", [
    ("feedback", "NPS", "score"), ("feedback", "Score", "score"), ("feedback", "review_score", "score"),
    ("feedback", "Comment", "text"), ("feedback", "review_comment_message", "text"),
    ("customers", "Opt-in", "consent_email"), ("customers", "Email Opt-In", "consent_email"),
    ("customers", "SMS Opt-In", "consent_sms"), ("customers", "Acquisition Channel", "channel"),
    ("customers", "Churn", "churn"), ("customers", "Vorname", "first_name"),
    ("events", "Session ID", "session_id"), ("events", "Event", "event_name"),
])
def test_other_kinds_map_by_name(kind, header, field):
    assert propose([header], kind, [], has_header=True).mapping[field] == 0


def test_normalised_headers_ignore_case_accents_and_punctuation():
    assert normalise_header(" E-Mail ") == normalise_header("email") == "email"
    assert normalise_header("Teléfono") == "telefono"


@pytest.mark.parametrize("headers, kind", [
    (["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"],
     "transactions"),
    (["Customer ID", "First Name", "Last Name", "Email", "Phone", "Country", "City", "Signup Date",
      "Acquisition Channel", "Email Opt-In", "SMS Opt-In"], "customers"),
    (["Session ID", "Customer ID", "Timestamp", "Event", "Page", "Source", "Device"], "events"),
    (["Response ID", "Customer ID", "Submitted At", "Type", "Score", "Comment", "Order ID"], "feedback"),
    (["customerID", "gender", "tenure", "MonthlyCharges", "TotalCharges", "Churn"], "customers"),
    (["review_id", "order_id", "review_score", "review_comment_message", "review_creation_date"], "feedback"),
])
def test_kind_is_detected_from_headers(headers, kind):
    assert detect_kind(headers)[0] == kind


def test_better_synonym_wins_when_two_columns_claim_a_field():
    proposal = propose(["Date", "Order Date", "Price"], "transactions", [], has_header=True)
    assert proposal.mapping["ordered_at"] == 1


def test_headerless_columns_are_mapped_by_content():
    # CDNOW without its header: id, yyyymmdd date, number of CDs, dollar amount of the line
    profiles = [
        ColumnProfile(0, 100, idlike=1.0, integers=1.0, distinct=0.3),
        ColumnProfile(1, 100, dates=1.0, integers=0.0, distinct=0.5),
        ColumnProfile(2, 100, integers=1.0, decimals=1.0, distinct=0.05),
        ColumnProfile(3, 100, decimals=1.0, has_fraction=True, distinct=0.9),
    ]
    proposal = propose(["c0", "c1", "c2", "c3"], None, profiles, has_header=False)
    assert proposal.kind == "transactions"
    assert proposal.mapping["customer_id"] == 0
    assert proposal.mapping["ordered_at"] == 1
    assert proposal.mapping["quantity"] == 2
    assert proposal.mapping["line_total"] == 3 and proposal.mapping["unit_price"] is None


def test_email_column_found_by_content_when_its_name_says_nothing(tmp_path):
    path = _write(tmp_path, "crm.csv", "Customer ID,Contact,Signup Date\n1,ann@x.com,2024-01-01\n2,bob@y.org,2024-02-01\n")
    plan = prepare_file(path)
    assert plan.kind == "customers"
    assert _named(plan)["email"] == "Contact"
    assert plan.confidence["email"] == "content"


def test_sample_order_headers_map_fully(tmp_path):
    plan = prepare_file(_write(tmp_path, "orders.csv", ORDERS))
    assert plan.kind == "transactions"
    assert _named(plan) == {
        "order_id": "Order ID", "ordered_at": "Order Date", "customer_id": "Customer ID",
        "email": "Customer Email", "product_id": "SKU", "product_name": "Product", "category": "Category",
        "quantity": "Quantity", "unit_price": "Unit Price", "currency": "Currency", "channel": "Channel",
        "country": "Country", "status": "Status", "promised_at": "Promised Date", "delivered_at": "Delivered Date"}
    assert plan.missing_required() == []
    assert list(plan.preview.columns)[:2] == ["Order ID", "Order Date"] and len(plan.preview) == 1


def test_plan_editing(tmp_path):
    plan = prepare_file(_write(tmp_path, "orders.csv", ORDERS))
    plan.set_mapping("unit_price", None)
    assert plan.missing_required() == ["unit_price"]
    plan.set_mapping("unit_price", 8)
    assert plan.mapping["unit_price"] == 8
    plan.set_mapping("product_name", 4)  # the SKU column now feeds the product name
    assert plan.mapping["product_id"] is None
    with pytest.raises(ValueError, match="not a field"):
        plan.set_mapping("score", 1)
    with pytest.raises(ValueError, match="not in"):
        plan.set_mapping("unit_price", 99)
    plan.set_kind("feedback")
    assert plan.kind == "feedback" and "score" in plan.mapping


def test_mapping_memory_reuses_a_confirmed_mapping(tmp_path, tmp_workspace):
    from insights.ingest import load_prepared
    text = "Ref,When,Who,Thing,N,Each\nR1,2024-03-01,c1,Mug,1,5.00\n"
    plan = prepare_file(_write(tmp_path, "a.csv", text), ws=tmp_workspace)
    assert plan.mapping["order_id"] is None  # "Ref" says nothing
    plan.set_mapping("order_id", 0)
    plan.set_mapping("ordered_at", 1)
    plan.set_mapping("customer_id", 2)
    plan.set_mapping("product_name", 3)
    plan.set_mapping("quantity", 4)
    plan.set_mapping("unit_price", 5)
    load_prepared(tmp_workspace, [plan])
    again = prepare_file(_write(tmp_path, "b.csv", text.replace("R1", "R2")), ws=tmp_workspace)
    assert again.remembered
    assert again.mapping == plan.mapping
    assert layout_signature(["Ref", "When"], "transactions") == layout_signature([" ref", "WHEN "], "transactions")
    assert layout_signature(["Ref"], "transactions") != layout_signature(["Ref"], "customers")


def test_ambiguous_day_month_dates_ask_the_owner(tmp_path):
    text = "Order ID,Order Date,Quantity,Price\nA1,03/04/2024,1,2.00\nA2,05/06/2024,1,2.00\n"
    plan = prepare_file(_write(tmp_path, "amb.csv", text))
    assert plan.questions and plan.date_order == "dmy"
    plan.set_date_order("mdy")
    assert plan.date_order == "mdy"
    with pytest.raises(ValueError):
        plan.set_date_order("ydm")
    clear = prepare_file(_write(tmp_path, "clear.csv", text.replace("05/06", "25/06")))
    assert not clear.questions and clear.date_order == "dmy"
