"""Marketing spend files (the ``spend`` kind): the four layouts of vendor_exports/ (see COLUMNS.md, "Marketing spend files") detected,
every row loaded, rejected or set aside with its reason, totals rows never counted twice, money to the cent."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from insights.cli import main
from insights.core.workspace import Workspace
from insights.ingest import ingest_files, prepare_file
from insights.ingest.load.spend import month_start

EXPORTS = Path(__file__).resolve().parent / "vendor_exports"

# file -> (rows read, loaded, rejected, set aside, spend loaded, currency, platform)
LAYOUTS = {
    "google_ads_campaign_report.csv": (11, 8, 0, 3, Decimal("1468.80"), "EUR", "Google Ads"),
    "meta_ads_manager_export.csv": (5, 5, 0, 0, Decimal("685.82"), "EUR", "Meta Ads"),
    "microsoft_ads_campaign_performance.csv": (33, 31, 0, 2, Decimal("473.88"), "EUR", "Microsoft Ads"),
    "monthly_marketing_budget.csv": (9, 8, 0, 1, Decimal("1535.50"), None, None),
    "monthly_marketing_budget.xlsx": (7, 6, 0, 1, Decimal("1477.00"), None, None),
}


@pytest.fixture(scope="module")
def loaded():
    ws = Workspace.in_memory()
    report = ingest_files(ws, [EXPORTS / name for name in LAYOUTS])
    return ws, {f.name: f for f in report.files}


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_layout_is_spend_and_every_row_accounted_for(loaded, name):
    ws, files = loaded
    f = files[name]
    read, kept, rejected, aside, money, currency, platform = LAYOUTS[name]
    assert f.kind == "spend"
    assert (f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == (read, kept, rejected, aside)
    assert f.spend_loaded == money and f.spend_read == f.spend_loaded + f.spend_rejected + f.spend_set_aside
    stored = ws.con.execute("select sum(amount), count(*), any_value(currency), any_value(platform) from spend "
                            "where source_file = ?", [f.file_id]).fetchall()[0]
    assert stored == (money, kept, currency, platform)


def test_totals_rows_are_set_aside_and_checked_against_the_rows_above(loaded):
    _, files = loaded
    google = files["google_ads_campaign_report.csv"]
    assert sum(n for reason, n in google.set_aside_by_reason.items() if reason.startswith("totals row")) == 3
    assert "Total: Account" in " ".join(google.set_aside_by_reason)
    assert any("row 12: 1,468.80 EUR) equals the spend loaded" in n for n in google.notes)
    assert google.spend_set_aside == Decimal("1468.80") + Decimal("1407.70") + Decimal("61.10")
    microsoft = files["microsoft_ads_campaign_performance.csv"]
    # the copyright footer cannot be split into the header's columns, yet it is the report's footer: set aside
    # as one (not rejected as a ragged row), and the reader's "could not be read" note goes with it
    assert microsoft.rejected_by_reason == {}
    assert microsoft.set_aside_by_reason["the report's footer line, not a row of spend"] == 1
    assert not any("wrong number of fields" in n for n in microsoft.notes)
    assert any("equals the spend loaded" in n for n in microsoft.notes)


def test_periods_channels_and_currency_as_the_files_write_them(loaded):
    ws, files = loaded
    meta = ws.con.execute("select period_start, period_end, channel, conversions from spend where source_file = ? "
                          "order by source_row limit 1", [files["meta_ads_manager_export.csv"].file_id]).fetchall()
    assert meta == [(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "Meta Ads", Decimal(14))]
    assert any("EUR, as the header “Amount spent (EUR)” says" in n for n in files["meta_ads_manager_export.csv"].notes)
    google = ws.con.execute("select distinct channel_label from spend where platform = 'Google Ads' order by 1").fetchall()
    assert google == [("Google Ads Search",), ("Google Ads Shopping",)]
    # a month written "Jan 2024", "2024-01" or as an Excel date covers the whole month
    months = ws.con.execute("select distinct period_start, period_end from spend where source_file in (?, ?) "
                            "order by 1", [files["monthly_marketing_budget.csv"].file_id,
                                           files["monthly_marketing_budget.xlsx"].file_id]).fetchall()
    assert months == [(dt.date(2024, 1, 1), dt.date(2024, 1, 31)), (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
                      (dt.date(2024, 3, 1), dt.date(2024, 3, 31))]
    # the sheet's spellings of one channel are one channel; the label as written is kept beside it
    xlsx = ws.con.execute("select channel, list(distinct channel_label order by channel_label) from spend "
                          "where source_file = ? group by 1 order by 1",
                          [files["monthly_marketing_budget.xlsx"].file_id]).fetchall()
    assert xlsx == [("Google Ads", ["Google Ads", "google_ads"]), ("Meta Ads", ["META ADS", "Meta Ads"])]


def test_month_spellings():
    assert month_start("Jan 2024") == month_start("2024-01") == month_start("January 2024") == dt.date(2024, 1, 1)
    assert month_start("01/2024") == dt.date(2024, 1, 1) and month_start("Mär 24") == dt.date(2024, 3, 1)
    assert month_start("Mrz 2024") == dt.date(2024, 3, 1) and month_start("Okt. 2023") == dt.date(2023, 10, 1)
    assert month_start("Total") is None and month_start("2024-13") is None


def test_spend_is_never_taken_for_orders_nor_orders_for_spend(tmp_path):
    budget = tmp_path / "budget.csv"
    budget.write_text("Month,Channel,Spend\nJan 2024,Meta Ads,100\nFeb 2024,Google Ads,80.5\n", encoding="utf-8")
    assert prepare_file(budget).kind == "spend"
    orders = tmp_path / "orders.csv"
    orders.write_text("Date,Customer,Amount,Channel\n2024-01-02,c1,10.00,Paid Social\n", encoding="utf-8")
    assert prepare_file(orders).kind == "transactions"


def test_spend_rows_that_cannot_be_read_are_rejected_with_their_reason(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Month,Channel,Campaign,Spend\nJan 2024,Meta Ads,A,10\nsoon,Meta Ads,B,20\n"
                   "Feb 2024,Meta Ads,C,lots\nMar 2024,Meta Ads,D,\n", encoding="utf-8")
    ws = Workspace.in_memory()
    f = ingest_files(ws, [bad]).files[0]
    assert f.rows_loaded == 1 and f.spend_loaded == 10
    assert f.rejected_by_reason == {"date or month is not one Clueboard can read": 1, "spend is not an amount": 1,
                                    "no spend amount": 1}
    assert f.spend_rejected == 20        # the unreadable "lots" cannot be added up
    rejects = ws.con.execute("select source_row, column_name, value from rejects order by 1").fetchall()
    assert rejects == [(3, "Month", "soon"), (4, "Spend", "lots"), (5, "Spend", None)]


def test_ingest_json_reports_the_kind_as_spend(tmp_path, capsys):
    assert main(["ingest", str(EXPORTS / "meta_ads_manager_export.csv"), "--workspace", str(tmp_path / "ws"),
                 "--json"]) == 0
    f = json.loads(capsys.readouterr().out)["files"][0]
    assert f["kind"] == "spend" and f["spend_loaded"] == 685.82 and f["spend_by_currency"] == {"EUR": 685.82}


# a hand sheet holding some of the Google Ads report's campaign months again: "Koffie zoekwoorden" January
# (41.20 + 55.10 = 96.30) and February (47.35) equal the report's days to the cent; March (70.00, the report
# 60.00) and "Voorjaar" (not in the report) are other spend
SHEET_AGAIN = ("Month,Channel,Campaign,Spend\nJan 2024,Paid Search,Koffie zoekwoorden,96.30\n"
               "Jan 2024,Paid Social,Voorjaar,250.00\nFeb 2024,Paid Search,Koffie Zoekwoorden,47.35\n"
               "Mar 2024,Paid Search,Koffie zoekwoorden,70.00\n")


@pytest.mark.parametrize("order", ["report first", "sheet first", "two uploads"])
def test_the_same_spend_in_two_layouts_is_flagged_and_counted_once(tmp_path, order):
    sheet = tmp_path / "budget.csv"
    sheet.write_text(SHEET_AGAIN, encoding="utf-8")
    google = EXPORTS / "google_ads_campaign_report.csv"
    ws = Workspace.in_memory()
    if order == "two uploads":
        files = {f.name: f for f in ingest_files(ws, [google]).files + ingest_files(ws, [sheet]).files}
    else:
        files = {f.name: f for f in ingest_files(ws, [google, sheet] if order == "report first"
                                                  else [sheet, google]).files}
    assert ws.con.execute("select sum(amount) from spend").fetchall()[0][0] == Decimal("1468.80") + Decimal("320.00")
    later = files["google_ads_campaign_report.csv" if order == "sheet first" else "budget.csv"]
    twice = {r: n for r, n in later.set_aside_by_reason.items() if "not counted twice" in r and "same spend" in r}
    assert sum(twice.values()) == (3 if order == "sheet first" else 2)     # the report's 2 January days + February
    assert later.spend_set_aside - (Decimal("2937.60") if order == "sheet first" else 0) == Decimal("143.65")
    assert any("set aside, not counted twice" in w for w in later.warnings)
    ws.close()
