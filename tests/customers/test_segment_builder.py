"""Segment builder: filters on the paper shop, bound values (an injection attempt is just text), unknown fields."""

from __future__ import annotations

import pytest

from insights.customers import segment_builder as sb
from tests.helpers import workspace_from_tables
from tests.customers.test_segments import LINES

CRM = [dict(customer_id="c1", name="Ann", email="ann@example.com", consent_email=True),
       dict(customer_id="c2", name="Bob", consent_email=False),
       dict(customer_id="c3", name="Cara")]


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    yield ws
    ws.close()


def ids(frame):
    return sorted(frame["customer_id"])


def test_filters_combine_with_and(shop):
    assert ids(sb.select_customers(shop, [("country", "in", ["France", "Germany"])])) == ["c1", "c2", "c3", "c5"]
    assert ids(sb.select_customers(shop, [("country", "in", ["France"]), ("orders", "ge", 2)])) == ["c1", "c3"]
    assert ids(sb.select_customers(shop, [("category", "in", ["Tea"])])) == ["c1"]
    assert ids(sb.select_customers(shop, [("category", "not_in", ["Tea"])])) == ["c2", "c3", "c4", "c5"]
    assert ids(sb.select_customers(shop, [("net_revenue", "between", [40, 50])])) == ["c2", "c5"]
    assert ids(sb.select_customers(shop, [("last_order_date", "gt", "2024-03-29")])) == ["c1", "c2", "c5"]
    assert ids(sb.select_customers(shop, [("consent_email", "is", True)])) == ["c1"]
    assert ids(sb.select_customers(shop, [("consent_email", "is", None)])) == ["c3", "c4", "c5"]
    assert ids(sb.select_customers(shop, [("rfm_segment", "in", ["Lost", "New"])])) == ["c2", "c4"]
    assert ids(sb.select_customers(shop, [("country", "contains", "ERM")])) == ["c2", "c5"]


def test_injection_attempt_in_a_value_is_only_a_value(shop):
    attack = "France' or 1=1 --"
    assert sb.select_customers(shop, [("country", "eq", attack)]).empty
    assert sb.select_customers(shop, [("country", "in", [attack, "x'); drop table customers; --"])]).empty
    assert shop.con.execute("select count(*) from customers").fetchall()[0][0] == 5
    where, params = sb.where_clause(sb.validate_spec([("country", "eq", attack)]))
    assert attack not in where and params == [attack]


def test_unknown_fields_operators_and_values_are_refused(shop):
    with pytest.raises(sb.SegmentSpecError, match="unknown field 'country; drop'"):
        sb.select_customers(shop, [("country; drop", "eq", "x")])
    with pytest.raises(sb.SegmentSpecError, match="operator 'contains' does not apply to orders"):
        sb.validate_spec([("orders", "contains", "1")])
    with pytest.raises(sb.SegmentSpecError, match="expected a number; got 'many'"):
        sb.validate_spec([("orders", "ge", "many")])
    with pytest.raises(sb.SegmentSpecError, match="expected a date"):
        sb.validate_spec([("last_order_date", "gt", "soon")])
    with pytest.raises(sb.SegmentSpecError, match="list of"):
        sb.validate_spec("country = 'x'")


def test_compare_segment_with_the_rest(shop):
    table = sb.compare_segment(shop, [("country", "in", ["France"])])
    assert table.loc["Customers", "segment"] == 2 and table.loc["Customers", "rest"] == 3
    assert table.loc["Net revenue", "segment"] == 70.0 and table.loc["Net revenue", "rest"] == 90.0
    assert table.loc["Share of revenue", "segment"] + table.loc["Share of revenue", "rest"] == pytest.approx(1.0)
    assert table.loc["AOV", "segment"] == pytest.approx(70 / 5)
    assert table.loc["Repeat-purchase rate", "segment"] == 1.0


def test_spec_from_page_choices_and_description():
    spec = sb.spec_from_choices({"country": ["France"], "channel": [], "orders": (2, None),
                                 "consent_email": True, "last_order_date": (None, None)})
    assert spec == [("country", "in", ["France"]), ("orders", "ge", 2), ("consent_email", "is", True)]
    assert sb.describe_spec(spec) == "Country is any of France and Orders at least 2 and Email consent is yes"
    with pytest.raises(sb.SegmentSpecError):
        sb.spec_from_choices({"password": ["x"]})


def test_comparison_as_text_for_the_page(shop):
    text = sb.format_comparison(sb.compare_segment(shop, [("country", "in", ["France"])]), "EUR")
    assert text.loc["Customers", "segment"] == "2" and text.loc["Share of revenue", "segment"] == "43.8%"
    assert text.loc["AOV", "segment"] == "€14" and text.loc["Orders per customer", "rest"] == "1.0"
    flagged = sb.flag_customers(shop, [("country", "in", ["France"])])
    assert len(flagged) == 5 and sorted(flagged.loc[flagged["in_segment"], "customer_id"]) == ["c1", "c3"]
