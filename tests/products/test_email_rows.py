"""The recommendation file an e-mail tool imports: each consented customer's top 3 product names in columns,
customers without an order get the shop's best openers, and the consent rule and formula safety of every export."""

import csv
import io

import pandas as pd

from insights.core.spreadsheet import write_table
from insights.products.lines import history_end, kept_lines
from insights.products.recommend import email_rows, openers, recommend
from tests.helpers import workspace_from_tables


def order(order_id, customer, at, product, name=None):
    return dict(order_id=order_id, customer_id=customer, source_customer_id=customer.upper(), ordered_at=at,
                product_id=product, product_name=name or f"Name {product}", quantity=1, unit_price=4)


def opener_shop():
    """K starts 3 customers who all come back; L starts 5, one comes back; M is only ever bought later; Z is
    bought first too late to tell."""
    rows = []
    for i in range(3):
        rows += [order(f"k{i}", f"k{i}", "2024-01-02", "K"), order(f"k{i}b", f"k{i}", "2024-02-01", "M")]
    for i in range(5):
        rows.append(order(f"l{i}", f"l{i}", "2024-01-03", "L", name="=HYPERLINK(\"http://x\")" if i == 0 else None))
    rows.append(order("l0b", "l0", "2024-01-20", "M"))
    rows.append(order("z1", "z1", "2024-12-01", "Z"))               # the history ends in December
    # a guest's order opens the data in December 2023, so January's first orders are not in the data's first
    # month (whose customers may have bought before it, and are left out of first-purchase figures)
    rows.append(dict(order("g1", "g", "2023-12-15", "G"), customer_id=None, source_customer_id=None))
    records = [dict(customer_id="new", source_customer_id="NEW-1", email="new@example.com", name="Ann  de Vries",
                    consent_email=True),
               dict(customer_id="k0", source_customer_id="K0", email="k0@example.com", name="Bo", consent_email=True),
               dict(customer_id="k1", source_customer_id="K1", email="k1@example.com", consent_email=False),
               dict(customer_id="k2", source_customer_id="K2", email=None, consent_email=True)]
    return workspace_from_tables(order_lines=rows, customer_records=records)


def test_openers_rank_first_purchases_by_customers_they_bring_back():
    ws = opener_shop()
    best = openers(kept_lines(ws), history_end(ws))
    assert best["product_id"].tolist() == ["K", "L"]                 # M is never a first purchase, Z too recent
    assert best["score"].tolist() == [3.0, 1.0] and best["rank"].tolist() == [1, 2]
    young = openers(kept_lines(ws), pd.Timestamp("2024-03-01"))     # nobody's first order is 90 days old yet
    assert young["product_id"].tolist()[:3] == ["L", "M", "K"]       # so: bought by most customers
    ws.close()


def test_email_file_top_three_in_columns_consent_and_newcomers():
    ws = opener_shop()
    recs = recommend(ws, top=3, method="cosine")
    newcomer = recs.rows[recs.rows["_customer"] == "new"]
    assert newcomer["method"].eq("openers").all() and newcomer["product_id"].tolist()[:2] == ["K", "L"]
    made = email_rows(ws, recs, layout="mailchimp")
    assert list(made.rows.columns) == ["Email Address", "First Name", "Last Name", "Customer ID", "Product 1",
                                       "Product 2", "Product 3", "Product 1 code", "Product 2 code",
                                       "Product 3 code"]
    by_id = made.rows.set_index("Customer ID")
    assert set(by_id.index) == {"NEW-1", "K0"}
    assert (made.left_for_consent, made.left_without_email) == (1, 7)    # k1 said no; no address: k2, l*, z1
    assert by_id.loc["NEW-1", ["First Name", "Last Name"]].tolist() == ["Ann", "de Vries"]
    assert by_id.loc["K0", ["Product 1 code", "Product 2 code"]].tolist() == ["L", "Z"]   # k0 bought K and M
    assert pd.isna(by_id.loc["K0", "Product 3"])                    # nothing else left to suggest
    assert made.customer_key.tolist() == ["k0", "new"]
    assert list(email_rows(ws, recs, layout="klaviyo").rows.columns)[0] == "Email"
    text = write_table(made.rows, "csv").decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert "=HYPERLINK(\"http://x\")" not in cells and not [c for c in cells if c.startswith("=")]
    ws.close()
