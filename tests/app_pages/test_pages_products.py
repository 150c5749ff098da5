"""AppTest of the Products page: empty state; the planted pair and gateway told in words, the backtest table,
names escaped, and statistics words only in the analysts' expander; three bought together on request; the next
products file with its control; the profile's "Recommended next"."""

from streamlit.testing.v1 import AppTest

from insights.products.lines import kept_lines
from insights.ui.session import WORKSPACE_KEY
from tests.app_pages.helpers import ROOT, open_page
from tests.helpers import workspace_from_tables
from tests.products.shops import shop_lines, triple_shop

LINK = "[Win a prize](http://evil.example/x)"
JARGON = ("lift", "support", "FDR", "EASE", "cosine", "Benjamini", "Fisher", "Wilson", "Holm", "p-value")


def test_empty_state():
    ws = workspace_from_tables(customer_records=[dict(customer_id="c1", email="a@b.c")])
    assert "No orders are loaded yet" in open_page("products.py", ws).info[0].value
    ws.close()


def test_planted_story_in_plain_words():
    lines = shop_lines(1, planted=True)
    lines.loc[lines["product_id"] == "P01", "product_name"] = LINK
    ws = workspace_from_tables(order_lines=lines)
    at = open_page("products.py", ws)
    analysts = [e for e in at.expander if e.label.startswith("For analysts")][0]
    inside = {id(m) for m in analysts.markdown}
    outside = [m.value for m in list(at.markdown) + list(at.caption) if id(m) not in inside]
    text = " ".join(outside)
    assert "pairs are bought together clearly more often than chance" in text and "Product 02" in text
    assert "Product 05" in text and "came back" in text
    assert LINK not in text and "Win a prize" in text                  # the payload shows, escaped
    assert not [w for w in JARGON if w in text], [w for w in JARGON if w in text]
    assert "EASE" in analysts.markdown[0].value
    backtest = at.dataframe[-1].value
    assert list(backtest["Way of suggesting"]) == ["Best sellers", "Bought by the same customers",
                                                   "Learned from every basket"]
    assert backtest["Used"].tolist().count("✔") == 1
    at.radio(key="products_level").set_value("category").run()
    assert not at.exception
    ws.close()


def test_three_bought_together_on_request():
    ws = workspace_from_tables(order_lines=triple_shop(12))
    at = open_page("products.py", ws)
    assert not [m for m in at.markdown if "groups of three" in m.value]        # not counted until asked
    at.toggle(key="products_triples").set_value(True).run()
    assert not at.exception
    said = [m.value for m in at.markdown if "Product 07" in m.value and "Product 09" in m.value]
    assert said and "as likely as with one" in said[0]
    ws.close()


def test_next_products_file_with_a_control():
    records = [dict(customer_id=f"c{c:04d}", email=f"c{c}@example.com", consent_email=c % 4 != 0)
               for c in range(800)] + [dict(customer_id="newbie", email="n@example.com", consent_email=True)]
    ws = workspace_from_tables(order_lines=shop_lines(1, planted=True), customer_records=records)
    at = open_page("products.py", ws)
    assert not at.exception
    label = [b.proto.label for b in at.get("download_button") if "next products" in b.proto.label][0]
    assert label == "Download 601 customers' next products (CSV)"     # 600 consented buyers + the newcomer
    at.checkbox(key="products_recs_hold").check().run()
    label = [b.proto.label for b in at.get("download_button") if "next products" in b.proto.label][0]
    assert label == "Download 541 customers' next products (CSV)"     # 60 held back
    assert "Left out: 200 without e-mail consent" in " ".join(c.value for c in at.caption)
    ws.close()


def test_profile_shows_the_stored_recommended_next():
    ws = workspace_from_tables(order_lines=shop_lines(4, customers=120))
    at = AppTest.from_file(str(ROOT / "app_pages" / "profile.py"), default_timeout=120)
    at.session_state[WORKSPACE_KEY] = ws
    at.query_params["customer"] = "c0007"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    suggested = [m.value for m in at.markdown if m.value[:3] in ("1. ", "2. ", "3. ", "4. ", "5. ")]
    bought = set(kept_lines(ws).query("customer_id == 'c0007'")["product_name"])
    assert len(suggested) == 5 and not [s for s in suggested if s[3:].split(" (")[0] in bought]
    ws.close()
