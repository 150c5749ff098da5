"""Bad-value files for the corpus: each reads fine, but some of its values cannot be right (issue 10, "Bad values
get a reason, never a silent number"). Built from code like ``make_corpus``; their expected fates (rows loaded,
rejected with which reason) live in ``tests/ingest/test_bad_values.py``.

    from tests.corpus.bad_values import make_bad_values
    paths = make_bad_values(tmp_path)      # {"nps_out_of_range.csv": Path(...), ...}
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests.corpus.make_corpus import write_files, xlsx_workbook


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csat_rows() -> list[str]:
    """A 1–5 satisfaction survey of 24 answers, one of them a 7."""
    scores = [5, 4, 4, 3, 5, 2, 1, 5, 4, 4, 3, 5, 5, 4, 2, 4, 5, 3, 4, 5, 7, 4, 5, 1]
    return ["Response ID,Submitted At,CSAT Score,Comment"] + [
        f"R{i:03d},2024-04-{1 + i % 28:02d} 09:30,{s},answer {i}" for i, s in enumerate(scores)]


def _dated_orders() -> list[str]:
    """24 orders in 2024, then one dated year 1, one year 9999 and one 12 years before the rest."""
    rows = [f"A{i},2024-{1 + i % 12:02d}-{1 + i % 27:02d},C{i % 7},1,10.00" for i in range(24)]
    return (["Order ID,Order Date,Customer ID,Quantity,Unit Price"] + rows
            + ["A90,0001-01-01,C1,1,10.00", "A91,9999-12-31,C2,1,20.00", "A92,2012-06-01,C3,1,30.00"])


BUILDERS: dict[str, Callable[[], bytes]] = {
    # NPS: a Typeform/Delighted-style export whose score column says NPS; 11 and -1 cannot be NPS answers
    "nps_out_of_range.csv": lambda: _csv(["Response ID,Date,NPS,Comment", "r1,2024-05-01,10,Love it",
                                          "r2,2024-05-02,9,", "r3,2024-05-03,0,Never again", "r4,2024-05-04,11,",
                                          "r5,2024-05-05,-1,typo", "r6,2024-05-06,7,ok", "r7,2024-05-07,ten,"]),
    # stars: a review export (review id, date, stars); 0 and 6 stars do not exist
    "stars_out_of_range.csv": lambda: _csv(["review_id,review_date,stars,review", "v1,2024-02-01,5,Great",
                                            "v2,2024-02-02,4,Good", "v3,2024-02-03,0,?", "v4,2024-02-04,6,!!",
                                            "v5,2024-02-05,3,Fine"]),
    "csat_1_to_5_with_a_7.csv": lambda: _csv(_csat_rows()),
    # till export: a negative price on a plain sale is an error; on a C invoice, a refund or a discount line not
    "negative_prices.csv": lambda: _csv([
        "Invoice,Date,Customer,StockCode,Description,Quantity,UnitPrice,Status",
        "536365,2024-03-01 10:00,C1,85123A,WHITE HANGING HEART,6,2.55,Paid",
        "536366,2024-03-01 11:00,C2,71053,WHITE METAL LANTERN,2,-3.39,Paid",          # rejected: negative price
        "C536367,2024-03-02 09:00,C1,85123A,WHITE HANGING HEART,-1,2.55,Paid",         # cancellation: kept
        "536368,2024-03-02 12:00,C3,22752,SET 7 BABUSHKA,1,-7.65,Refunded",            # refund: kept
        "536369,2024-03-03 08:00,C3,DISCOUNT,Discount,1,-5.00,Paid",                   # discount line: kept
        "536370,2024-03-03 09:00,C4,21730,GLASS STAR LANTERN,0,4.25,Paid",             # rejected: zero quantity
        "536371,2024-03-04 10:00,C5,22633,HAND WARMER,3,1.85,Paid"]),
    "far_dates.csv": lambda: _csv(_dated_orders()),
    # amounts that cannot be read: their text is reported, their money cannot be summed
    "unreadable_amounts.csv": lambda: _csv(["Order ID,Order Date,Customer ID,Quantity,Unit Price",
                                            "A1,2024-03-01,C1,2,9.99", "A2,2024-03-02,C2,1,n/a",
                                            "A3,2024-03-03,C1,1,12.5.0", "A4,2024-03-04,C3,two,4.00",
                                            "A5,2024-03-05,C3,1,4.00"]),
    # the same problems in a workbook: real numbers and a real date, one of them year 1900's zero day
    "negative_and_zero.xlsx": lambda: xlsx_workbook({"Orders": [
        ["Order ID", "Order Date", "Customer ID", "Quantity", "Unit Price"],
        ["B1", "2024-06-01", "K1", 2, 5.0], ["B2", "2024-06-02", "K2", 1, -12.0], ["B3", "2024-06-03", "K2", 0, 3.0],
        ["B4", "2024-06-04", "K3", 1, 8.5]]}),
    # page views: a 1970 timestamp (a zero epoch) in a 2024 export, and an event time years ahead
    "events_far_dates.csv": lambda: _csv(["session_id,timestamp,event,page"] + [
        f"s{i},2024-03-{1 + i % 28:02d} 10:{i % 60:02d}:00,page_view,/p/{i}" for i in range(22)]
        + ["s90,1970-01-01 00:00:00,page_view,/home", "s91,2031-03-01 10:00:00,add_to_cart,/p/1"]),
}


def make_bad_values(folder) -> dict[str, Path]:
    """Write every bad-value file into ``folder``; returns name → path."""
    return write_files(BUILDERS, folder)
