"""AppTest of the Experiments page: the planner's numbers, and a result file read into a verdict."""


from insights.core.workspace import Workspace
from insights.experiments.simulate import result_file_text
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


def test_result_file_early_look_is_provisional_and_the_bayesian_view_is_shown():
    text = result_file_text(20000, baseline=0.2, lift=0.15, layout="mailchimp", random_state=1).encode("utf-8")
    at = open_page("experiments.py", Workspace.in_memory())
    at.file_uploader(key="experiment_file").set_value(("winback.csv", text, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("ship B" in s.value and not s.value.startswith("Provisional") for s in at.success)
    bayes = next(df.value for df in at.dataframe if "chance_better" in df.value.columns)
    assert (bayes["chance_better"] > 0.975).all()
    planned = next(n for n in at.number_input if n.key.startswith("experiment_planned_"))
    planned.set_value(40000).run()
    assert not at.exception
    assert any(i.value.startswith("Provisional — 20,000 of the 40,000 planned customers") for i in at.info)
    planned.set_value(20000).run()
    assert any(s.value.startswith("Final — the planned 20,000 customers are in") for s in at.success)
