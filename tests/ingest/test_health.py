"""Health report: each check reacts to the data it is about, with meaning and action in plain words."""

from insights.ingest import health_report, ingest_files
from tests.helpers import workspace_from_tables


def _by_key(items):
    return {i.key: i for i in items}


def _line(order_id, customer_id, qty=1, price="10.00", **kw):
    return dict(order_id=order_id, customer_id=customer_id, source_customer_id=customer_id,
                ordered_at=kw.pop("ordered_at", "2024-01-05"), quantity=qty, unit_price=price, **kw)


def test_clean_data_is_ok():
    ws = workspace_from_tables(order_lines=[_line("A1", "c1"), _line("A2", "c2", currency="EUR")])
    items = _by_key(health_report(ws))
    assert items["date_range"].value == "05 Jan 2024 – 05 Jan 2024"
    assert items["orders"].value == "2" and items["customers"].value == "2"
    assert items["revenue"].value.startswith("20.00")
    for key in ("guest_orders", "outliers", "dates", "rejected", "returns"):
        assert items[key].severity == "ok", key
    assert all(i.meaning for i in items.values())
    assert "currencies" not in items


def test_problems_are_warnings_with_actions():
    lines = [_line(f"A{i}", None if i < 3 else f"c{i}", is_guest=i < 3) for i in range(10)]
    lines += [_line("B1", "c1", qty=80995, price="2.08"), _line("B2", "c1", ordered_at="2099-01-01"),
              _line("C1", "c1", qty=-1, is_cancellation=True), _line("D1", "c2", currency="USD"),
              _line("D2", "c2", currency="EUR")]
    ws = workspace_from_tables(order_lines=lines)
    ws.con.execute("insert into rejects values ('f', 5, 'Quantity', 'two', 'quantity is not a number')")
    ws.con.execute("insert into set_aside values ('f', 6, 'exact duplicate of row 5')")
    items = _by_key(health_report(ws))
    assert items["guest_orders"].severity == "warning" and items["guest_orders"].value.startswith("3 ")
    assert items["outliers"].severity == "warning" and "80,995" in items["outliers"].value
    assert items["dates"].severity == "warning" and items["dates"].value == "1"
    assert items["currencies"].severity == "warning" and items["currencies"].value == "EUR, USD"
    assert items["rejected"].value == "1" and items["rejected"].action
    assert items["duplicates"].value.startswith("1 exact")
    assert "1 cancelled" in items["returns"].value
    for item in items.values():
        assert item.severity in ("ok", "info", "warning")
        if item.severity == "warning":
            assert item.action


def test_health_after_a_real_load(tmp_workspace, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("Order ID,Order Date,Customer ID,SKU,Product,Quantity,Unit Price\n"
                    "A1,2024-01-05,c1,S1,Mug,1,5\nA1,2024-01-05,c1,POST,Postage,1,3\n", encoding="utf-8")
    ingest_files(tmp_workspace, [path])
    items = _by_key(health_report(tmp_workspace))
    assert items["non_product"].value.startswith("1 lines")


def test_joined_accounts_in_the_owners_words(tmp_workspace, tmp_path):
    # C2 and C9 share an e-mail (two accounts, one person); C1's e-mail beside its own id is not a merge to report
    orders = tmp_path / "o.csv"
    orders.write_text("Order ID,Order Date,Customer ID,Email,Product,Quantity,Unit Price\n"
                      "A1,2024-01-05,C1,ann@example.com,Mug,1,5\nA2,2024-01-06,C2,bob@example.com,Mug,1,5\n"
                      "A3,2024-01-07,C9,bob@example.com,Mug,1,5\n", encoding="utf-8")
    ingest_files(tmp_workspace, [orders])
    item = _by_key(health_report(tmp_workspace))["customers"]
    assert item.value == "2"
    assert ("1 customer had two or more customer ids (1 by the same e-mail); each is now one customer with all "
            "their orders.") in item.meaning
    assert "folded" not in item.meaning and "Download the list" in item.action


def test_a_return_dated_after_its_delivery_is_not_an_impossible_date():
    # a return line is dated when the goods came back; it keeps the original order's delivery date
    lines = [_line("A1", "c1", ordered_at="2024-01-05", delivered_at="2024-01-08"),
             _line("R1", "c1", qty=-1, ordered_at="2024-02-01", delivered_at="2024-01-08", is_return=True),
             _line("A2", "c2", ordered_at="2024-03-05", delivered_at="2024-02-01")]       # really impossible
    items = _by_key(health_report(workspace_from_tables(order_lines=lines)))
    assert items["dates"].value == "1" and items["dates"].severity == "warning"
