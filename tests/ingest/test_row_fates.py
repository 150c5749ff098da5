"""Identical rows where nothing tells them apart are kept and reported (issue 10, "identical rows").

Exact duplicates are set aside only where the file carries an order number (order lines), an event id
(events) or a response/review id (feedback). Elsewhere — CDNOW's ``customer date cds value`` purchase log,
Amazon's Alexa reviews, page views without an event id — two identical rows can be two real purchases, views
or answers: they are loaded, and the file report says how many ("12 identical rows kept — set them aside?"),
with the first ones and a one-click choice (``set_aside_identical``, ``--set-aside-identical``).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal

import lifetimes
import numpy as np
import pandas as pd
import pytest
from lifetimes import GammaGammaFitter

from insights.cli import main
from tests.app_pages.helpers import open_upload_page
from insights.ingest import ingest_files
from insights.models.bgnbd import GammaGammaModel
from insights.predictions import clv
from insights.ui.session import WORKSPACE_KEY

LOG = ("customer,date,cds,value\n"
       "00001,19970101,1,11.77\n"
       "00002,19970112,2,12.00\n"
       "00002,19970112,2,12.00\n"       # the same purchase again: nothing says it is not a second one
       "00003,19970102,1,9.99\n")


def _accounted(f) -> bool:
    return (f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside
            and f.revenue_read == f.revenue_loaded + f.revenue_set_aside + f.revenue_rejected
            + f.revenue_excluded_by_status)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_purchase_log_without_order_number_keeps_identical_purchases(tmp_path, tmp_workspace):
    f = ingest_files(tmp_workspace, [_write(tmp_path, "log.csv", LOG)]).files[0]
    assert f.kind == "transactions" and "order_id" not in f.mapping
    assert (f.rows_read, f.rows_loaded, f.rows_set_aside) == (4, 4, 0) and _accounted(f)
    assert f.revenue_loaded == Decimal("45.76")
    assert f.identical_rows_kept == 1 and f.identical_rows_first == [{"row": 4, "same_as_row": 3}]
    assert any(w.startswith("1 identical row kept — set them aside?") and "row 4 = row 3" in w for w in f.warnings)
    assert tmp_workspace.con.execute("select count(*), sum(revenue) from order_lines").fetchone() == (4, Decimal("45.76"))


def test_set_aside_identical_is_one_choice(tmp_path, tmp_workspace):
    f = ingest_files(tmp_workspace, [_write(tmp_path, "log.csv", LOG)], set_aside_identical=True).files[0]
    assert (f.rows_loaded, f.rows_set_aside, f.identical_rows_kept) == (3, 1, 0) and _accounted(f)
    assert f.set_aside_by_reason == {"exact duplicate of an earlier row": 1} and not f.warnings
    assert f.revenue_set_aside == Decimal("12.00")


def test_order_lines_with_an_order_number_still_set_exact_duplicates_aside(tmp_path, tmp_workspace):
    lines = _write(tmp_path, "lines.csv", "Order ID,Order Date,Customer ID,Quantity,Unit Price\n"
                   "A1,2024-01-05,c1,2,9.99\nA1,2024-01-05,c1,2,9.99\nA2,2024-01-06,c2,1,5.00\n")
    log = _write(tmp_path, "log.csv", LOG)
    by_name = {f.name: f for f in ingest_files(tmp_workspace, [lines, log]).files}
    f = by_name["lines.csv"]
    assert (f.rows_loaded, f.rows_set_aside, f.identical_rows_kept) == (2, 1, 0) and _accounted(f)
    assert f.set_aside_by_reason == {"exact duplicate of an earlier row": 1}
    assert by_name["log.csv"].identical_rows_kept == 1 and by_name["log.csv"].rows_set_aside == 0


def test_lines_completed_from_an_orders_table_have_an_order_number(tmp_path, tmp_workspace):
    orders = _write(tmp_path, "orders.csv", "order_id,customer_id,order_purchase_timestamp,order_status\n"
                    "o1,c1,2018-01-02 10:00:00,delivered\no2,c2,2018-01-03 11:00:00,delivered\n")
    items = _write(tmp_path, "items.csv", "order_id,order_item_id,product_id,price\n"
                   "o1,1,p1,10.00\no1,1,p1,10.00\no2,1,p2,5.00\n")
    by_name = {f.name: f for f in ingest_files(tmp_workspace, [orders, items]).files}
    f = by_name["items.csv"]
    assert (f.rows_loaded, f.rows_set_aside, f.identical_rows_kept) == (2, 1, 0), f


def test_rows_already_loaded_are_matched_by_multiplicity(tmp_path, tmp_workspace):
    first = ingest_files(tmp_workspace, [_write(tmp_path, "jan.csv", LOG)]).files[0]
    assert first.rows_loaded == 4
    # an overlapping export: the twice-bought row twice again, plus one new purchase
    again = _write(tmp_path, "jan_feb.csv", LOG.replace("customer,date", "customer,date") + "00004,19970201,1,5.00\n")
    f = ingest_files(tmp_workspace, [again]).files[0]
    assert (f.rows_loaded, f.rows_set_aside) == (1, 4) and _accounted(f)
    assert f.set_aside_by_reason == {"already loaded from jan.csv": 4} and f.identical_rows_kept == 0
    # three copies where two were loaded: one is new
    three = _write(tmp_path, "three.csv", "customer,date,cds,value\n" + "00002,19970112,2,12.00\n" * 3)
    f = ingest_files(tmp_workspace, [three]).files[0]
    assert (f.rows_loaded, f.rows_set_aside) == (1, 2)
    aside = tmp_workspace.con.execute("select source_row from set_aside s join files f using (file_id) "
                                      "where f.name = 'three.csv' order by 1").fetchall()
    assert aside == [(2,), (3,)]
    assert tmp_workspace.con.execute("select count(*) from order_lines where source_customer_id = '00002'"
                                     ).fetchone()[0] == 3


def test_identical_rows_of_one_upload_are_matched_by_multiplicity_too(tmp_path, tmp_workspace):
    a = _write(tmp_path, "a.csv", LOG)
    b = _write(tmp_path, "b.csv", "customer,date,cds,value\n" + "00002,19970112,2,12.00\n" * 3)
    by_name = {f.name: f for f in ingest_files(tmp_workspace, [a, b]).files}
    assert (by_name["b.csv"].rows_loaded, by_name["b.csv"].rows_set_aside) == (1, 2)


EVENTS = "session_id,timestamp,event,page\n" + "s1,2024-03-01 10:00:00,page_view,/home\n" * 2 + \
    "s1,2024-03-01 10:01:00,add_to_cart,/p/1\n"


def test_identical_page_views_without_an_event_id_are_kept(tmp_path, tmp_workspace):
    f = ingest_files(tmp_workspace, [_write(tmp_path, "web.csv", EVENTS)]).files[0]
    assert f.kind == "events" and (f.rows_loaded, f.rows_set_aside, f.identical_rows_kept) == (3, 0, 1)
    assert any("event id" in w.lower() for w in f.warnings)


def test_identical_events_with_an_event_id_are_set_aside(tmp_path, tmp_workspace):
    text = "event_id,session_id,timestamp,event,page\n" + "e1,s1,2024-03-01 10:00:00,page_view,/home\n" * 2
    f = ingest_files(tmp_workspace, [_write(tmp_path, "web.csv", text)]).files[0]
    assert f.mapping.get("source_event_id") == "event_id"
    assert (f.rows_loaded, f.rows_set_aside, f.identical_rows_kept) == (1, 1, 0)


def test_reviews_with_a_review_id_set_duplicates_aside_and_without_keep_them(tmp_path, tmp_workspace):
    body = "2024-05-01,5,Great\n"
    with_id = ingest_files(tmp_workspace, [_write(tmp_path, "r1.csv", "review_id,review_date,rating,comment\n"
                                                  + ("r9," + body) * 2)]).files[0]
    assert with_id.mapping.get("response_id") == "review_id" and (with_id.rows_loaded, with_id.rows_set_aside) == (1, 1)
    without = ingest_files(tmp_workspace, [_write(tmp_path, "r2.csv", "review_date,rating,comment\n"
                                                  + "2024-05-02,5,Great\n" * 2)]).files[0]
    assert (without.rows_loaded, without.rows_set_aside, without.identical_rows_kept) == (2, 0, 1)


def test_cli_flag_and_json(tmp_path, capsys):
    log = _write(tmp_path, "log.csv", LOG)
    assert main(["ingest", str(log), "--workspace", str(tmp_path / "ws1"), "--json"]) == 0
    f = json.loads(capsys.readouterr().out)["files"][0]
    assert f["identical_rows_kept"] == 1 and f["identical_rows_first"] == [{"row": 4, "same_as_row": 3}]
    assert f["rows_set_aside"] == 0 and "set them aside?" in " ".join(f["warnings"])
    assert main(["ingest", str(log), "--workspace", str(tmp_path / "ws2"), "--json", "--set-aside-identical"]) == 0
    f = json.loads(capsys.readouterr().out)["files"][0]
    assert (f["rows_loaded"], f["rows_set_aside"], f["identical_rows_kept"], f["warnings"]) == (3, 1, 0, [])
    assert main(["ingest", str(log), "--workspace", str(tmp_path / "ws3")]) == 0
    assert "warning: 1 identical row kept — set them aside?" in capsys.readouterr().out


# ----- real files ---------------------------------------------------------------------------------------------
def test_alexa_reviews_all_load_with_their_dates(shared_data, tmp_workspace):
    path = shared_data / "amazon_alexa_reviews" / "amazon_alexa.tsv"
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(raw) == 3150 and raw.duplicated().sum() > 0       # identical reviews exist, and are real
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert f.kind == "feedback" and (f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == (3150, 3150, 0, 0)
    assert f.identical_rows_kept == int(raw.duplicated().sum())
    con = tmp_workspace.con
    n, dated, first, last = con.execute("select count(*), count(submitted_at), min(submitted_at)::date::varchar, "
                                        "max(submitted_at)::date::varchar from feedback").fetchone()
    assert (n, dated) == (3150, 3150) and (first, last) == ("2018-05-16", "2018-07-31")
    stars = con.execute("select score, count(*) from feedback group by 1 order by 1").fetchall()
    assert stars == sorted((float(k), int(v)) for k, v in raw["rating"].value_counts().items())


def _cdnow_sample_csv(tmp_path):
    """lifetimes' 1/10 CDNOW sample as the purchase log a shop would have: customer, date, CDs, dollars."""
    path = os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "CDNOW_sample.txt")
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=["master", "customer", "date", "cds", "value"], dtype=str)
    out = tmp_path / "cdnow_sample.csv"
    raw[["customer", "date", "cds", "value"]].to_csv(out, index=False)
    return out, raw


def test_cdnow_sample_keeps_identical_purchases_and_gamma_gamma_matches_pandas(tmp_path, tmp_workspace):
    path, raw = _cdnow_sample_csv(tmp_path)
    assert int(raw[["customer", "date", "cds", "value"]].duplicated().sum()) == 21
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_set_aside, f.identical_rows_kept) == (6919, 6919, 0, 21)
    total = sum(Decimal(v) for v in raw["value"])
    assert f.revenue_read == f.revenue_loaded == total and _accounted(f)
    # independent: pandas over the raw log (same-day purchases are one purchase day; calibration to 1997-09-30)
    log = raw.assign(day=pd.to_datetime(raw["date"], format="%Y%m%d"), value=raw["value"].astype(float))
    log = log[log["day"] <= "1997-09-30"]
    days = log.groupby(["customer", "day"], as_index=False)["value"].sum()
    first = days.groupby("customer")["day"].transform("min")
    repeat = days[days["day"] > first]
    theirs = pd.DataFrame({"frequency": repeat.groupby("customer").size(),
                           "monetary_value": repeat.groupby("customer")["value"].mean()})
    summary = clv.customer_summary(tmp_workspace, "1997-09-30")
    ours = summary[summary["frequency"] > 0].set_index("customer_id")
    assert len(ours) == len(theirs) == 946
    ours = ours.loc[theirs.index]
    np.testing.assert_array_equal(ours["frequency"].to_numpy(), theirs["frequency"].to_numpy())
    np.testing.assert_allclose(ours["monetary_value"].to_numpy(), theirs["monetary_value"].to_numpy(), rtol=1e-9)
    spend = GammaGammaModel().fit(summary)          # the app's spend model on what was loaded
    ggf = GammaGammaFitter().fit(theirs["frequency"], theirs["monetary_value"])
    for ours_name, theirs_name in (("p", "p"), ("q", "q"), ("gamma", "v")):
        assert spend.params_[ours_name] == pytest.approx(ggf.params_[theirs_name], rel=1e-3), ours_name
    # and the published values (Fader & Hardie's Gamma-Gamma note) within 1 %
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert spend.params_[name] == pytest.approx(value, rel=0.01), name


# ----- the Upload page: the notice and the one-click choice ----------------------------------------------------
def test_upload_page_offers_to_set_identical_rows_aside_in_one_click(tmp_path, monkeypatch):
    at, ws = open_upload_page(tmp_path, monkeypatch)
    at.file_uploader[0].set_value([("log.csv", LOG.encode("utf-8"), "text/csv")]).run()
    assert any(c.label.startswith("Set aside identical rows") and not c.value for c in at.checkbox)
    next(b for b in at.button if b.label.startswith("Load")).click().run()
    assert not at.exception
    assert any("1 identical row kept — set them aside?" in i.value and "row 4 = row 3" in i.value for i in at.info)
    assert ws.row_counts()["order_lines"] == 4
    next(b for b in at.button if b.label.startswith("Set them aside")).click().run()
    assert not at.exception
    row = next(d.value for d in at.dataframe if "Rows read" in d.value.columns).iloc[0]
    assert (row["Rows read"], row["Loaded"], row["Set aside"]) == (4, 3, 1)
    assert not any("identical rows kept" in i.value for i in at.info)
    assert at.session_state[WORKSPACE_KEY].row_counts()["order_lines"] == 3
