"""The funnel per product and per category: pages matched to products by code, name or category; a product viewed
but never carted stands out; small products are shown but not compared; a product nobody treats differently is
never called worse."""

import json
import subprocess
import sys

import pytest

from insights.funnel import months_standing_out, product_funnel, stand_out
from tests.helpers import file_workspace_copy, workspace_from_tables


def line(order, sku, name, category, non_product=False):
    return dict(order_id=order, customer_id="c1", ordered_at="2024-03-01", quantity=1, unit_price=10,
                product_id=sku, product_name=name, category=category, is_non_product=non_product)


LINES = [line("o1", "GA-107", "Hose reel", "Garden Tools"), line("o2", "KI-101-L", "Cast iron pan (large)", "Kitchen"),
         line("o3", "TE-101", "Pillow", "Textiles"), line("o4", "POST", "Shipping", "Shipping", non_product=True),
         line("o5", "DUP-1", "Mug", "Kitchen"), line("o6", "DUP-2", "Mug", "Kitchen")]


def sessions(prefix, page, n, carted, bought=0, day="2024-03-10"):
    """n sessions that view ``page``; the first ``carted`` add to cart, the first ``bought`` also buy."""
    out = []
    for i in range(n):
        s = f"{prefix}{i}"
        base = (ord(prefix) * 1000 + i) * 10 + (day > "2024-04") * 5      # a numeric id per event
        out.append(dict(event_id=base, session_id=s, event_at=f"{day} 10:00", event_type="view", page=page))
        if i < carted:
            out.append(dict(event_id=base + 1, session_id=s, event_at=f"{day} 10:05", event_type="cart", page="/cart"))
        if i < bought:
            out.append(dict(event_id=base + 2, session_id=s, event_at=f"{day} 10:09", event_type="purchase",
                            page="/checkout/thank-you"))
    return out


EVENTS = (sessions("a", "/p/ga-107", 60, 0)                                # viewed, never carted: stands out
          + sessions("b", "/products/cast-iron-pan-large?ref=x", 60, 24, 12)   # matched by its name
          + sessions("c", "/p/TE_101/", 50, 21, 9)                             # code in other case and separators
          + sessions("d", "/p/te-101", 10, 0, day="2024-04-10")                # April only
          + sessions("e", "/garden-tools", 40, 12)                             # a category page
          + sessions("f", "/p/post", 40, 0)                                    # a shipping line is not a product
          + sessions("g", "/p/mug", 40, 0)                                     # two products called Mug: neither
          + [dict(event_id=1, session_id="a0", event_at="2024-03-10 09:59", event_type="cart", page="/cart")])


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES, events=EVENTS)
    yield ws
    ws.close()


def test_pages_name_products_by_code_name_and_category(shop):
    frame = product_funnel(shop).set_index("subject")
    assert sorted(frame.index) == ["GA-107", "KI-101-L", "TE-101"]       # not POST, not either Mug
    assert frame.loc["KI-101-L", ["sessions", "carted", "bought"]].tolist() == [60, 24, 12]
    assert frame.loc["TE-101", ["sessions", "carted"]].tolist() == [60, 21]      # 50 in March + 10 in April
    # a cart BEFORE the view does not count for the product viewed after it
    assert frame.loc["GA-107", "carted"] == 0
    categories = product_funnel(shop, "category").set_index("subject")
    assert categories.loc["Garden Tools", "sessions"] == 40 and categories.loc["Garden Tools", "carted"] == 12


def test_a_product_viewed_but_never_carted_stands_out(shop):
    frame = product_funnel(shop)
    worst = frame.iloc[0]
    assert worst["subject"] == "GA-107" and bool(worst["worse"]) and worst["cart_rate"] == 0
    assert worst["carts_lost"] == pytest.approx(60 * 45 / 120, abs=0.1)        # the others cart 45 of 120 views
    assert worst["cart_high"] < 0.07                                           # Wilson upper bound of 0/60
    assert not frame.set_index("subject").loc[["KI-101-L", "TE-101"], "worse"].any()
    sentence = stand_out(frame)[0]
    assert sentence.startswith("Hose reel (GA-107): viewed in 60 sessions") and "0 (0.0%)" in sentence


def test_a_period_and_small_products(shop):
    april = product_funnel(shop, since="2024-04-01", until="2024-05-01")
    assert april["subject"].tolist() == ["TE-101"] and bool(april["small"].iloc[0])
    assert april["p_value"].iloc[0] is None and not april["worse"].iloc[0]      # 10 sessions: shown, not compared
    assert stand_out(april) == []


def test_nothing_is_called_worse_when_every_product_converts_alike():
    events = sessions("a", "/p/ga-107", 80, 30) + sessions("b", "/p/ki-101-l", 80, 27) + sessions("c", "/p/te-101",
                                                                                                    80, 33)
    ws = workspace_from_tables(order_lines=LINES, events=events)
    try:
        frame = product_funnel(ws)
        assert len(frame) == 3 and not frame["worse"].any()
    finally:
        ws.close()


def test_cli_json_carries_products(shop, tmp_path):
    folder = file_workspace_copy(shop, tmp_path, "Pages", ("order_lines", "events"))
    done = subprocess.run([sys.executable, "-m", "insights", "funnel", "--workspace", str(folder), "--json",
                           "--product-level", "product"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    products = data["products"]
    assert products[0]["subject"] == "GA-107" and products[0]["worse"] is True
    # the month scan runs at both levels: Hose reel stood out in March 2024 (its only month with views)
    assert [(r["level"], r["month"], r["subject"]) for r in data["products_standing_out_by_month"]] == [
        ("product", "2024-03", "GA-107")]
    text = subprocess.run([sys.executable, "-m", "insights", "funnel", "--workspace", str(folder)],
                          capture_output=True, text=True).stdout
    assert "Hose reel (GA-107): viewed in 60 sessions" in text


def test_a_product_that_stops_being_carted_for_one_month_stands_out_in_that_month_only():
    events = (sessions("h", "/p/ga-107", 40, 16) + sessions("i", "/p/ki-101-l", 40, 15)
              + sessions("j", "/p/te-101", 40, 17)
              + sessions("k", "/p/ga-107", 40, 0, day="2024-04-10") + sessions("l", "/p/ki-101-l", 40, 16,
                                                                              day="2024-04-10")
              + sessions("m", "/p/te-101", 40, 14, day="2024-04-10"))
    ws = workspace_from_tables(order_lines=LINES, events=events)
    try:
        months = months_standing_out(ws)
        assert months[["month", "subject"]].values.tolist() == [["2024-04", "GA-107"]]
        row = months.iloc[0]
        assert (row["sessions"], row["carted"]) == (40, 0)
        assert row["others_cart_rate"] == pytest.approx(30 / 80)           # the others of April only
        assert row["carts_lost"] == pytest.approx(15.0)
        assert stand_out(months)[0].startswith("Hose reel (GA-107) in April 2024: viewed in 40 sessions")
    finally:
        ws.close()
