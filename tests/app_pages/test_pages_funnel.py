"""AppTest of the Funnel page: its empty state, and the planted broken mobile checkout named in words."""

from tests.app_pages.helpers import open_page
from tests.funnel.test_funnel import LINES, traffic
from tests.helpers import workspace_from_tables

def test_empty_state():
    ws = workspace_from_tables(order_lines=LINES)
    assert "web-analytics export" in open_page("funnel.py", ws).info[0].value
    ws.close()


def test_planted_story_in_words():
    ws = traffic(1, broken=True, n=1500)
    at = open_page("funnel.py", ws)
    text = " ".join(m.value for m in at.markdown)
    assert "Device “mobile” loses about" in text and "orders" in text
    analysts = [e for e in at.expander if e.label.startswith("For analysts")][0]
    inside = {id(m) for m in analysts.markdown}
    outside = " ".join(m.value for m in list(at.markdown) + list(at.caption) if id(m) not in inside)
    assert not [t for t in ("Wilson", "Holm", "z-test") if t in outside]
    ws.close()


def test_a_product_viewed_but_never_carted_is_named_on_the_page():
    from tests.funnel.test_product_funnel import EVENTS, LINES as PRODUCT_LINES
    ws = workspace_from_tables(order_lines=PRODUCT_LINES, events=EVENTS)
    at = open_page("funnel.py", ws)
    assert any(w.value.startswith(r"Hose reel \(GA-107\)\: viewed in 60 sessions") for w in at.warning)
    at.selectbox(key="funnel_product_month").set_value("2024-04").run()
    assert not at.exception and not at.warning                 # April: one small product, nothing compared
    at.radio(key="funnel_product_level").set_value("category").run()
    assert "names a product or a category" in at.info[0].value      # no category page was viewed in April
    at.selectbox(key="funnel_product_month").set_value("All months").run()
    table = [d.value for d in at.dataframe if "carts_lost" in d.value.columns][-1]
    assert table["name"].tolist() == ["Garden Tools"]
    ws.close()


def test_customer_dimensions_and_periods_on_the_page():
    from tests.funnel.test_funnel_groups import _segment_traffic
    ws, _ = _segment_traffic(n=600)
    at = open_page("funnel.py", ws)
    assert not at.exception and len(at.get("plotly_chart")) >= 3      # funnel, month by month, orders lost
    at.selectbox(key="funnel_dimension").set_value("lifecycle").run()
    assert not at.exception
    assert any("on the first day of the month" in c.value for c in at.caption)
    at.radio(key="funnel_period").set_value("week").run()
    assert not at.exception and any("each week" in c.value for c in at.caption)
    ws.close()


def test_win_back_list_and_its_logged_export():
    from tests.funnel.test_win_back import CRM, EVENTS, LINES as WIN_LINES
    ws = workspace_from_tables(order_lines=WIN_LINES, events=EVENTS, customer_records=CRM)
    at = open_page("funnel.py", ws)
    assert not at.exception
    # the events end on 18 March: the 7 days before the 19th hold c4's, c7's and c1's carts
    assert any("**3** customers left a cart in the last 7 days" in m.value for m in at.markdown)
    table = [d.value for d in at.dataframe if "carts_left" in d.value.columns][-1]
    assert table["profile"].str.endswith(("c4", "c7", "c1")).all() and len(table) == 3
    at.radio(key="funnel_win_back_kind").set_value("browsed").run()
    assert any("**1** customers browsed without adding to cart" in m.value for m in at.markdown)
    ws.close()


def test_the_profile_shows_behaviour_on_the_site():
    from tests.app_pages.test_pages_segments_profile import open_page as open_profile
    from tests.funnel.test_win_back import CRM, EVENTS, LINES as WIN_LINES
    ws = workspace_from_tables(order_lines=WIN_LINES, events=EVENTS, customer_records=CRM)
    at = open_profile("profile.py", ws, customer="c1")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Visits"] == "1" and metrics["Carts left without buying"] == "1"
    assert metrics["Last visit"] == "15 Mar 2024"
    assert any("left a cart and have not bought since" in m.value for m in at.markdown)
    ws.close()
