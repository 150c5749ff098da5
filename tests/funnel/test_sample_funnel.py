"""The sample shop's web events carry its July 2025 Garden Tools stock-out: the pages are still viewed, nobody adds
to cart after viewing them, and the funnel's month-by-month product scan names that month and category alone."""

from insights.funnel import months_standing_out, product_funnel, stand_out


def test_the_stock_out_month_stands_out_for_garden_tools(sample_workspace):
    months = months_standing_out(sample_workspace, "category")
    assert months[["month", "subject"]].values.tolist() == [["2025-07", "Garden Tools"]]
    july = months.iloc[0]
    assert july["carted"] == 0 and july["others_cart_rate"] > 0.25
    assert stand_out(months, "category")[0].startswith("Garden Tools in July 2025: viewed in ")
    # views go on: the category page is viewed in July about as often as its share of the other months' visits
    june = product_funnel(sample_workspace, "category", since="2025-06-01", until="2025-07-01").set_index("subject")
    july_all = product_funnel(sample_workspace, "category", since="2025-07-01", until="2025-08-01").set_index("subject")
    assert july_all.loc["Garden Tools", "sessions"] >= 0.6 * june.loc["Garden Tools", "sessions"]
    assert june.loc["Garden Tools", "carted"] > 0.2 * june.loc["Garden Tools", "sessions"]
    assert bool(july_all.loc["Garden Tools", "worse"]) and not july_all.drop("Garden Tools")["worse"].any()
