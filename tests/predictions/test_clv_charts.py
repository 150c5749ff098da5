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
