"""CAC and payback use the shop's own margin once costs are known (a default margin set by the owner), and say
revenue-based until then."""

from insights.acquisition.cac import acquisition
from insights.core import margin


def test_payback_follows_the_default_margin(sample_workspace):
    plain = acquisition(sample_workspace)
    assert plain.margin.startswith("revenue-based")
    margin.set_default_margin(sample_workspace, 30)
    assert margin.shop_margin_rate(sample_workspace) == 0.3
    costed = acquisition(sample_workspace)
    assert costed.margin == "gross margin 30%"
    before = plain.channels.set_index("channel")
    after = costed.channels.set_index("channel")
    paid = "Paid Social"
    assert after.loc[paid, "cac"] == before.loc[paid, "cac"]           # cost per customer does not change
    # a third of the value per month: payback comes later (or not within the data)
    assert after.loc[paid, "payback_months"] is None or before.loc[paid, "payback_months"] is None or \
        after.loc[paid, "payback_months"] > before.loc[paid, "payback_months"]
    assert acquisition(sample_workspace, margin_rate=0.5).margin == "gross margin 50%"   # the owner's figure wins
