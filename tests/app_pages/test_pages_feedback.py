"""AppTest of the Customer feedback page: the empty state says which file fills it; with answers, the page
leads with plain sentences and keeps the statistics terms in the analysts' expander."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from insights.ui.session import WORKSPACE_KEY
from tests.helpers import workspace_from_tables
from tests.voice.test_voice_report import shop

ROOT = Path(__file__).resolve().parents[2]


def _open(ws) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "feedback.py"), default_timeout=120)
    at.session_state[WORKSPACE_KEY] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_empty_state_names_the_files_that_fill_it():
    ws = workspace_from_tables(order_lines=[dict(order_id="A1", customer_id="c1", ordered_at="2024-01-05",
                                                 quantity=1, unit_price=5)])
    at = _open(ws)
    assert "NPS survey export" in at.info[0].value and not at.metric
    ws.close()


def test_feedback_page_with_a_planted_story():
    ws = shop(1, plant=True)
    at = _open(ws)
    labels = {m.label: m.value for m in at.metric}
    assert "NPS" in labels and labels["NPS answers"] == "900"
    stands_out = " ".join(m.value for m in at.markdown if m.value.startswith("- "))
    assert "“ads” score" in stands_out and "NPS points below the rest" in stands_out
    assert any("late" in e.label for e in at.expander)                     # the complaint theme, with examples
    analysts = [e for e in at.expander if e.label.startswith("For analysts")][0]
    inside = {id(m) for m in analysts.markdown}
    outside = [m.value for m in list(at.markdown) + list(at.caption) if id(m) not in inside]
    for term in ("Wald", "Wilson", "Holm", "NMF", "TF-IDF", "VADER", "ROC AUC", "z-test"):
        assert not [t for t in outside if term in t], term
    at.selectbox(key="voice_dimension").set_value("channel").run()
    assert not at.exception
    ws.close()
