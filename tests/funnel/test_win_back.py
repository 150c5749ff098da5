"""Who left a cart or browsed without buying in the last days: worked out on paper — a cart bought later, a purchase
in the visit, an anonymous visit that logs in, a visit outside the window, the lists never sharing a customer —
and the file for an e-mail tool keeping only consented addresses."""

import io

import pandas as pd
import pytest

from insights.funnel.win_back import customer_behaviour, win_back_file, win_back_list
from tests.helpers import workspace_from_tables

N = iter(range(1, 1000))


def visit(session, customer, day, *kinds, page="/p/ga-107"):
    out = []
    for k, kind in enumerate(kinds):
        out.append(dict(event_id=next(N), session_id=session, customer_id=customer, event_at=f"2024-03-{day} 10:{k:02d}",
                        event_type=kind, event_name=kind, page=page if kind == "view" else f"/{kind}"))
    return out


EVENTS = (visit("s1", "c1", 15, "view", "cart")                      # left a cart
          + visit("s2", "c2", 16, "view", "view", page="/kitchen")     # browsed only
          + visit("s3", "c3", 14, "view", "cart")                      # ... but ordered on the 17th
          + visit("s4", None, 18, "view", "cart") + visit("s4", "c4", 18, "checkout")  # anonymous, logs in
          + visit("s5", "c5", "01", "view", "cart")                    # outside the 7 days
          + visit("s6", "c6", 15, "view", "cart", "purchase")          # bought in the visit
          + visit("s7", "c7", 14, "cart") + visit("s8", "c7", 16, "view")   # a cart, then a browse: cart list
          + visit("s9", None, 17, "view", "cart"))                     # nobody: never on a list
LINES = [dict(order_id="o1", customer_id="c1", ordered_at="2024-03-10", quantity=1, unit_price=5),
         dict(order_id="o3", customer_id="c3", ordered_at="2024-03-17", quantity=1, unit_price=5)]
CRM = [dict(customer_id="c1", email="c1@example.com", consent_email=True),
       dict(customer_id="c2", email="c2@example.com", consent_email=False),
       dict(customer_id="c4", email="c4@example.com", consent_email=True),
       dict(customer_id="c7", email=None, consent_email=True)]
AS_OF = pd.Timestamp("2024-03-20").date()


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES, events=EVENTS, customer_records=CRM)
    yield ws
    ws.close()


def test_the_two_lists_worked_out_on_paper(shop):
    carts = win_back_list(shop, "cart", days=7, as_of=AS_OF)
    assert carts["customer_id"].tolist() == ["c4", "c7", "c1"]            # latest visit first
    assert carts.set_index("customer_id").loc["c1", ["visits", "carts_left", "orders"]].tolist() == [1, 1, 1]
    browsed = win_back_list(shop, "browsed", days=7, as_of=AS_OF)
    assert browsed["customer_id"].tolist() == ["c2"] and browsed["pages_viewed"].iloc[0] == "/kitchen"
    # a longer window reaches c5's visit on 1 March
    assert "c5" in win_back_list(shop, "cart", days=30, as_of=AS_OF)["customer_id"].tolist()
    with pytest.raises(ValueError, match="kind must be one of"):
        win_back_list(shop, "wishlist")


def test_the_file_keeps_consented_addresses_only(shop):
    made = win_back_file(shop, win_back_list(shop, "cart", days=7, as_of=AS_OF))
    written = pd.read_csv(io.BytesIO(made.data))
    assert written["customer_id"].tolist() == ["c4", "c1"] and made.written == 2
    assert (made.without_email, made.without_consent, made.suppressed) == (1, 0, 0)     # c7 has no address
    everyone = win_back_file(shop, win_back_list(shop, "browsed", days=7, as_of=AS_OF))
    assert everyone.written == 0 and everyone.without_consent == 1                       # c2 said no


def test_one_customers_behaviour_for_the_profile(shop):
    c7 = customer_behaviour(shop, "c7")
    assert (c7["visits"], c7["carts_left"], c7["cart_open"], c7["browsed_not_bought"]) == (2, 1, True, False)
    assert c7["last_visit_at"] == pd.Timestamp("2024-03-16 10:00") and c7["pages_viewed"] == "/p/ga-107"
    assert customer_behaviour(shop, "c6")["cart_open"] is False
    assert customer_behaviour(shop, "nobody") is None


def test_segment_builder_filters_on_carts_and_browsing(shop):
    from insights.customers.segment_builder import select_customers
    # the events end on 18 March: days are counted to the 19th
    carts = select_customers(shop, [("left_cart_days", "le", 7)]).set_index("customer_id")
    assert sorted(carts.index) == ["c1", "c4", "c7"]
    assert carts.loc[["c1", "c4", "c7"], "left_cart_days"].tolist() == [4, 1, 5]
    assert select_customers(shop, [("browsed_days", "le", 7)])["customer_id"].tolist() == ["c2"]
    recent = select_customers(shop, [("last_visit_date", "ge", "2024-03-16")])["customer_id"]
    assert sorted(recent) == ["c2", "c4", "c7"]


def test_pages_viewed_show_the_path_without_a_query_string_that_can_carry_an_email(tmp_path):
    """A page address such as /account?email=… is shown as /account: the query string can name the person."""
    from insights.funnel.win_back import customer_behaviour
    from tests.privacy import canary
    ws = canary.canary_workspace(tmp_path)
    try:
        seen = customer_behaviour(ws, canary.CUSTOMER_ID)
        assert seen is not None and "/account" in seen["pages_viewed"]
        assert canary.EMAIL not in seen["pages_viewed"] and "?" not in seen["pages_viewed"]
    finally:
        ws.close()
