"""The CLV distribution's log axis is labelled in amounts at 1, 2 and 5 of each power of ten."""

import numpy as np
import pandas as pd

from insights.charts.clv import clv_distribution_chart


def test_log_axis_ticks_are_amounts():
    rng = np.random.default_rng(0)
    scores = pd.DataFrame({"clv": np.concatenate([rng.lognormal(4, 1.2, 2000), [0.0, 0.0]])})
    fig = clv_distribution_chart(scores, "EUR")
    axis = fig.layout.xaxis
    assert axis.type == "log"
    ticks = list(axis.tickvals)
    assert ticks == sorted(ticks) and all(f"{t:.0e}"[0] in "125" for t in ticks)
    text = list(axis.ticktext)
    assert "1k" in text and "100" in text and all("e" not in t for t in text)


def test_value_by_group_chart_colours_only_clear_differences():
    from insights.charts.clv import LESS_COLOUR, MORE_COLOUR, SAME_COLOUR, value_by_group_chart
    table = pd.DataFrame({"dimension": ["channel"] * 3 + ["country"], "value": ["Referral", "Email", "Paid", "DE"],
                          "customers": [100, 200, 150, 400], "mean_clv": [180.0, 110, 80, 100],
                          "ci_low": [150.0, 95, 70, 90], "ci_high": [210.0, 125, 90, 110],
                          "ratio_to_rest": [1.6, 0.98, 0.6, 1.0], "different": [True, False, True, False]})
    fig = value_by_group_chart(table, "channel", "Predicted value by channel", "(€)")
    bar = fig.data[0]
    assert list(bar.y) == ["Paid", "Email", "Referral"]                  # lowest at the bottom, only this dimension
    assert list(bar.marker.color) == [LESS_COLOUR, SAME_COLOUR, MORE_COLOUR]
    assert list(bar.error_x.array) == [10.0, 15.0, 30.0]
