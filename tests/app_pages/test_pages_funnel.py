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
