"""AppTest of the Experiments page: the planner's numbers, and a result file read into a verdict."""


from insights.core.workspace import Workspace
from tests.app_pages.helpers import open_page


def test_planner_gives_the_textbook_number_and_the_list_size_answer():
    at = open_page("experiments.py", Workspace.in_memory())
    assert at.metric[0].value == "31,234"
    at.number_input(key="plan_list").set_value(1840).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "1,840" in text and "65%" in text
    at.number_input(key="plan_lift").set_value(20.0).run()
    assert int(at.metric[0].value.replace(",", "")) < 31234 / 3
