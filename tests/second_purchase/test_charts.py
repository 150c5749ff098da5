"""The second-purchase figures: months stay groups (not a time axis), small shares get tenths of a percent."""

import pandas as pd

from insights.charts.second_purchase import days_to_second_chart, groups_chart, rates_chart, share_format


def test_group_labels_that_look_like_dates_stay_categories():
    groups = pd.DataFrame({"value": ["2017-03", "2017-04"], "customers": [300, 310], "rate_90d": [0.002, 0.004],
                           "ci_low": [0.0005, 0.001], "ci_high": [0.01, 0.012], "different": [False, True]})
    fig = groups_chart(groups, 0.003)
    assert fig.layout.yaxis.type == "category" and list(fig.data[0].y) == ["2017-04", "2017-03"]
    assert fig.layout.xaxis.tickformat == ".1%"
    assert list(fig.data[0].marker.color)[0] != list(fig.data[0].marker.color)[1]   # the different one stands out


def test_rates_and_days_charts():
    rates = pd.DataFrame({"days": [30, 90], "rate": [0.2, 0.4], "ci_low": [0.18, 0.37], "ci_high": [0.22, 0.43],
                          "customers": [900, 800]})
    assert rates_chart(rates).layout.yaxis.tickformat == ".0%" == share_format(0.43)
    assert "No first-time buyer" in rates_chart(rates.assign(customers=0)).layout.title.text
    fig = days_to_second_chart(pd.Series([3, 10, 41, 60]), 41)
    assert fig.layout.annotations[0].text == "half within 41 days"
    assert days_to_second_chart(pd.Series([], dtype=int), None).layout.title.text == "No second orders yet"
