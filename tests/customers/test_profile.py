"""Customer search (escaped wildcards, phone digits) and the profile card on the paper shop."""

from __future__ import annotations

import pytest

from insights.customers import profile
from tests.helpers import workspace_from_tables
from tests.customers.test_segments import LINES

CRM = [dict(customer_id="c1", name="Zoë Müller", email="zoe_m@example.com", phone="+4915123456789", country="France",
            city="Lyon", consent_email=True),
       dict(customer_id="c2", name="Bob 100%", email="bob@example.com", phone="+33612345678")]
EVENTS = [dict(customer_id="c1", session_id="s1", event_at="2024-03-30 09:50", event_type="view"),
          dict(customer_id="c1", session_id="s1", event_at="2024-03-30 09:55", event_type="purchase")]
FEEDBACK = [dict(customer_id="c1", submitted_at="2024-03-31 10:00", kind="nps", score=9, text="Lovely tea")]


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM, events=EVENTS, feedback=FEEDBACK)
    yield ws
    ws.close()


def test_search_by_id_name_email_and_phone(shop):
    assert profile.find_customers(shop, "C1")["customer_id"].tolist()[0] == "c1"       # exact id first
    assert profile.find_customers(shop, "zoe")["customer_id"].tolist() == ["c1"]      # accents ignored
    assert profile.find_customers(shop, "BOB@EXAMPLE")["customer_id"].tolist() == ["c2"]
    assert profile.find_customers(shop, "+49 151 234")["customer_id"].tolist() == ["c1"]
    assert profile.find_customers(shop, "").empty


def test_like_wildcards_in_the_query_are_literal(shop):
    assert profile.find_customers(shop, "%")["customer_id"].tolist() == ["c2"]       # only "Bob 100%"
    assert profile.find_customers(shop, "_")["customer_id"].tolist() == ["c1"]       # only zoe_m has an underscore
    assert profile.find_customers(shop, "' or 1=1 --").empty


def test_masking():
    assert profile.mask_email("anna.schmidt@example.org") == "a•••@example.org"
    assert profile.mask_phone("+4915123456789") == "+49•••••••••89"
    assert profile.mask_email(None) == "—" and profile.mask_phone("") == "—"


def test_profile_card(shop):
    card = profile.customer_profile(shop, "c1")
    assert (card.orders, card.net_revenue, card.aov) == (3, 60.0, 20.0)
    assert card.rfm_segment == "Loyal" and card.rfm_code == "355" and card.lifecycle_stage is not None
    assert card.tenure_days == 91 and card.recency_days == 2
    assert card.masked_email == "z•••@example.com" and "Lyon" == card.city and card.consent_email is True
    assert card.favourite_categories["category"].tolist() == ["Tea"]
    assert card.timeline["kind"].tolist() == ["feedback", "order", "session", "order", "order"]
    assert card.timeline.loc[0, "detail"] == "Lovely tea" and card.timeline.loc[0, "score"] == 9
    assert card.comparison.set_index("figure").loc["Orders", "median_customer"] == 1
    assert any("Orders: 3.0×" in s for s in card.apart)
    assert card.clv is None and card.churn is None
    with pytest.raises(profile.CustomerNotFound, match="nobody"):
        profile.customer_profile(shop, "nobody")


def test_profile_shows_clv_when_scored(shop):
    shop.con.execute("create or replace table clv_scores as select 'c1' as customer_id, 0.8 as p_alive, 123.0 as clv")
    try:
        assert profile.customer_profile(shop, "c1").clv["clv"] == 123.0
    finally:
        shop.con.execute("drop table clv_scores")


def test_what_sets_them_apart_in_words(shop):
    # c2: one order of 50, bought 1 day before the as-of date; median customer: 1 order, 40 spent, 2 days
    card = profile.customer_profile(shop, "c2")
    assert "Bought more recently than most: 1 day ago (median customer 2 days)." in card.apart
    lost = profile.customer_profile(shop, "c4")     # 82 days, 41× the median gap; spent 0
    assert any(s.startswith("Has not bought for 82 days") for s in lost.apart)
