"""The outcome loop end to end: an insight's list exported holding back 10% as a control, the next month's orders
loaded (the customers contacted bought more), and the insight shows the measured lift with its interval."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest

from insights.core.workspace import Workspace, mart_names
from insights.feed import build_feed, set_status, stable_id, statuses
from insights.feed.outcome import export_list, holdouts, measured_lift, outcome_words, split
from insights.feed.overdue import overdue_customers
from insights.feed.report import feed_report, render_html
from tests.feed.shops import simulate
from tests.helpers import insert_rows

ACTED = dt.datetime(2025, 2, 1, 9, 0)


@pytest.fixture(scope="module")
def frames():
    lines = simulate(1, "stockout", orders_per_day=40)["order_lines"]
    cut = lines["ordered_at"] < pd.Timestamp("2025-02-01")
    return lines[cut].reset_index(drop=True), lines[~cut].reset_index(drop=True)


@pytest.fixture
def shop(frames, tmp_path):
    ws = Workspace.create("Outcome shop", root=tmp_path / "workspaces")
    insert_rows(ws, "order_lines", frames[0])
    ws.build_marts()
    yield ws
    ws.close()


def test_the_split_is_random_seeded_and_holds_back_a_tenth():
    ids = [f"c{i}" for i in range(200)]
    first, again, other = split(ids, "abcdef123456"), split(reversed(ids), "abcdef123456"), split(ids, "123456abcdef")
    assert first["held_back"].sum() == 20 and first.equals(again)
    assert set(first.loc[first["held_back"], "customer_id"]) != set(other.loc[other["held_back"], "customer_id"])


def test_export_with_a_control_then_next_months_orders_show_the_lift(shop, frames):
    [overdue] = [i for i in build_feed(shop) if i.kind == "overdue"]
    customers = overdue_customers(shop, dt.date(2025, 2, 1))
    # a 30 % control: with the page's 10 % (12 of 123 customers here) the interval is too wide to promise a sign
    treated = export_list(shop, overdue, customers, hold_back=True, share=0.3, by="marketer", at=ACTED)
    remembered = holdouts(shop, overdue.id)
    held = set(remembered.loc[remembered["held_back"], "customer_id"])
    assert len(held) == round(0.3 * len(customers)) and not held & set(treated["customer_id"])
    assert len(treated) + len(held) == len(customers)
    assert export_list(shop, overdue, customers, hold_back=True, share=0.3).equals(treated)   # the split is remembered
    assert measured_lift(shop, overdue.id)["metrics"]["orders"]["treated"] == 0              # nothing loaded since
    assert statuses(shop)[overdue.id]["status"] == "acted" and "held back as a control" in statuses(shop)[overdue.id]["note"]

    rng = np.random.default_rng(5)                       # February: half the contacted buy, a tenth of the others
    buyers = [c for c in customers["customer_id"] if rng.random() < (0.1 if c in held else 0.5)]
    campaign = pd.DataFrame({"order_id": [f"CAMPAIGN-{k}" for k in range(len(buyers))], "customer_id": buyers,
                             "ordered_at": pd.Timestamp("2025-02-10 12:00"), "product_id": "SKU-11",
                             "product_name": "Kitchen item 1", "category": "Kitchen", "quantity": 1,
                             "unit_price": 80.0, "revenue": 80.0, "currency": "EUR", "channel": "Email",
                             "country": "DE"})
    february = pd.concat([frames[1], campaign], ignore_index=True)
    insert_rows(shop, "order_lines", february.assign(line_id=range(10 ** 6, 10 ** 6 + len(february))))
    shop.build_marts()                                   # what every upload does
    assert not {"insight_exports", "insight_holdouts"} & set(mart_names())

    feed = build_feed(shop, since=dt.date(2025, 2, 20))
    [again] = [i for i in feed if i.id == overdue.id]    # the acted-on insight is still there, by its id
    # ... and it is the one overdue story: this week's list is the same story, not a second card
    assert [i.id for i in feed if i.kind == "overdue"] == [overdue.id] and again.period != overdue.period
    outcome = again.details["outcome"]
    orders, revenue = outcome["metrics"]["orders"], outcome["metrics"]["revenue"]
    assert outcome["treated"] == len(treated) and outcome["held_back"] == len(held)
    assert orders["treated"] > orders["held_back"] and 0 < orders["low"] < orders["lift"] < orders["high"]
    assert 0 < revenue["low"] < revenue["lift"] < revenue["high"]
    words = outcome_words(outcome, "EUR")
    assert "the action made a difference" in words and f"the {len(treated):,} customers you contacted" in words
    assert "made a difference" in render_html(feed_report(shop, insights=feed))


def test_a_standing_story_keeps_its_id_week_after_week_until_closed_and_new_data_finds_it_again(shop):
    def overdue_on(day):
        return [i for i in build_feed(shop, as_of=day) if i.kind == "overdue"]

    [first], [later] = overdue_on(dt.date(2025, 1, 18)), overdue_on(dt.date(2025, 2, 1))
    assert first.period != later.period and first.id == later.id            # two weeks apart, one story
    set_status(shop, later.id, "dismissed", reason="we call them anyway")
    [still] = overdue_on(dt.date(2025, 2, 1))
    assert still.id == later.id and still.status == "dismissed"              # nothing loaded since: stays dismissed
    insert_rows(shop, "files", pd.DataFrame({"file_id": [1], "path": ["orders.csv"], "name": ["orders.csv"],
                                             "sha256": ["0" * 64], "kind": ["orders"],
                                             "loaded_at": [dt.datetime.now() + dt.timedelta(seconds=1)]}))
    [again] = overdue_on(dt.date(2025, 2, 1))
    assert again.id not in (later.id, stable_id("overdue", again.metric, again.subject, again.period))
    assert again.status == "new" and again.episode == 1                       # a new upload, still true: a new story
