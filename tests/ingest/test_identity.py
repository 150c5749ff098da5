"""One customer key across files: by id, normalised e-mail and E.164 phone; merges reported with reasons."""

from insights.ingest import ingest_files
from insights.ingest.load.identity import normalise_email, normalise_phone, region_for_country


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_phone_numbers_become_e164_with_the_rows_country():
    assert normalise_phone("07911 123456", "United Kingdom") == "+447911123456"
    assert normalise_phone("+44 7911 123456") == "+447911123456"
    assert normalise_phone("0044 7911 123456") == "+447911123456"
    assert normalise_phone("030 1234567", "DE") == "+49301234567"
    assert normalise_phone("12", "GB") == "12"  # not a number: kept as written, never used to merge
    assert normalise_phone("  ") is None
    assert region_for_country("EIRE") == "IE" and region_for_country("Atlantis") is None


def test_emails_are_trimmed_and_lower_cased():
    assert normalise_email("  Ann@Example.COM ") == "ann@example.com"
    assert normalise_email(" ") is None


def test_one_customer_across_orders_crm_and_feedback(tmp_workspace, tmp_path):
    orders = _write(tmp_path, "orders.csv",
                    "Order ID,Order Date,Customer ID,Customer Email,Quantity,Unit Price,Country\n"
                    "A1,2024-01-05,105,ann@x.com,1,10.00,UK\n"
                    "A2,2024-02-05,,ANN@X.COM ,1,20.00,UK\n"          # guest checkout, same e-mail
                    "A3,2024-02-06,,,1,5.00,UK\n"                    # a true guest
                    "A4,2024-02-07,207,,1,7.00,UK\n")
    crm = _write(tmp_path, "crm.csv",
                 "Customer ID,Name,Email,Phone,Country\n"
                 "C-9,Ann Lee,ann@x.com,07911 123456,United Kingdom\n"
                 "C-10,Ann L.,,+44 7911 123456,\n"                    # same phone as C-9
                 "C-11,Bob,bob@y.com,,\n")
    feedback = _write(tmp_path, "nps.csv", "Score,Comment,Order ID\n9,great,A4\n")
    report = ingest_files(tmp_workspace, [orders, crm, feedback])
    con = tmp_workspace.con
    keys = dict(con.execute("select order_id, customer_id from order_lines").fetchall())
    # the CRM's smallest id names the person; the order id 105 and the guest e-mail fold into it
    assert keys["A1"] == keys["A2"] == "C-10"
    assert keys["A3"] is None and keys["A4"] == "207"
    crm_keys = dict(con.execute("select source_customer_id, customer_id from customer_records").fetchall())
    assert crm_keys == {"C-9": "C-10", "C-10": "C-10", "C-11": "C-11"}
    assert con.execute("select customer_id from feedback").fetchone()[0] == "207"  # through its order
    merges = con.execute("select customer_id, merged_key, key_kind, reason from identity_merges").fetchall()
    merged = {(m[1], m[2]) for m in merges if m[0] == "C-10"}
    assert {("105", "id"), ("C-9", "id"), ("ann@x.com", "email"), ("+447911123456", "phone")} <= merged
    assert all(m[3] for m in merges)
    assert report.workspace["customers"] == 3  # C-10 (Ann), C-11 (Bob), 207
    assert con.execute("select is_guest from order_lines where order_id = 'A2'").fetchone()[0] is False


def test_email_only_people_are_keyed_by_their_email(tmp_workspace, tmp_path):
    orders = _write(tmp_path, "o.csv", "Order ID,Order Date,E-mail,Quantity,Price\nA1,2024-01-05,Zoe@x.com,1,3\n")
    ingest_files(tmp_workspace, [orders])
    assert tmp_workspace.con.execute("select customer_id from order_lines").fetchone()[0] == "zoe@x.com"


def test_second_customer_id_links_orders_to_the_person(tmp_workspace, tmp_path):
    # Olist: the orders carry a per-order customer_id; the customer file maps it to customer_unique_id
    customers = _write(tmp_path, "customers.csv", "customer_id,customer_unique_id,customer_city\n"
                                                  "o1,p1,sao paulo\no2,p1,sao paulo\no3,p2,rio\n")
    orders = _write(tmp_path, "orders.csv", "order_id,customer_id,order_purchase_timestamp,price\n"
                                            "X1,o1,2017-01-01 10:00:00,10\nX2,o2,2017-03-01 10:00:00,20\n"
                                            "X3,o3,2017-03-02 10:00:00,5\n")
    ingest_files(tmp_workspace, [customers, orders])
    keys = dict(tmp_workspace.con.execute("select order_id, customer_id from order_lines").fetchall())
    assert keys == {"X1": "p1", "X2": "p1", "X3": "p2"}
    assert tmp_workspace.con.execute("select count(*) from customers").fetchone()[0] == 2
