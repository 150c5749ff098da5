"""AppTest of the Experiments page: the planner's numbers, and a result file read into a verdict."""


from insights.core.workspace import Workspace
from insights.experiments.revenue_plan import plan_revenue, revenue_spread
from tests.app_pages.helpers import open_page
from tests.experiments.test_revenue_plan import tiny_shop


def test_planner_gives_the_textbook_number_and_the_list_size_answer():
    at = open_page("experiments.py", Workspace.in_memory())
    assert at.metric[0].value == "31,234"
    at.number_input(key="plan_list").set_value(1840).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "1,840" in text and "65%" in text
    at.number_input(key="plan_lift").set_value(20.0).run()
    assert int(at.metric[0].value.replace(",", "")) < 31234 / 3


def test_revenue_planner_reads_the_shops_own_spread():
    ws = tiny_shop()
    at = open_page("experiments.py", ws)
    at.radio(key="plan_measure").set_value("Revenue per customer").run()
    assert not at.exception, [e.value for e in at.exception]
    spread = revenue_spread(ws, 30)
    found = plan_revenue(spread, 0.1, control_share=0.5)
    assert at.metric[0].value == f"{found.total_users:,}"
    text = " ".join(m.value for m in at.markdown)
    assert f"explains **{spread.r_squared:.0%}**" in text and f"instead of {found.total_unadjusted:,}" in text
    at.number_input(key="plan_revenue_held").set_value(10).run()
    assert int(at.metric[0].value.replace(",", "")) > found.total_users      # a 10% hold-back needs more
    ws.close()


def test_revenue_planner_without_orders_points_to_upload():
    at = open_page("experiments.py", Workspace.in_memory())
    at.radio(key="plan_measure").set_value("Revenue per customer").run()
    assert not at.exception and any("Upload page" in i.value for i in at.info)
